"""What people and machines read about the graph: descriptions of resources, rows for
pages, search, diagrams and the explanations of inferred statements.
"""
