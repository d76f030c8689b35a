"""SHACL validation of the asserted data against ontology/shapes.ttl.
"""
