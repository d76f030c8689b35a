"""Reading archive pages: layouts, titles, dates, names, citations, the body's paragraphs
and brackets, and copies of one page from several mirrors. Standard library only.
"""
