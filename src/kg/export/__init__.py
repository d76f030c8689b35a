"""Whole-graph dumps, the dataset description (VoID, DCAT) and Wikidata-shaped exports.
"""
