"""From parsed documents to RDF: IRIs, the ontology and the registry as read from their
files, entity linking, the curated mapping files, provenance (facts and evidence), and
the compilation of each document into its graph.
"""
