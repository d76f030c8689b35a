"""Growing the corpus: adding pages, drafting their mappings, scoring the parser.
"""
