"""OWL 2 RL reasoning: the engines, the closure kept, and the explanations of what was
inferred.
"""
