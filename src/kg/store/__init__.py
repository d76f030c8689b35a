"""The embedded pyoxigraph store built atomically, SPARQL over it, remote stores, and
publishing to another triple store.
"""
