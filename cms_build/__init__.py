"""cms-as-code: a carbon management system (T/CIECCPA 《碳管理体系 要求及使用指南》) kept as code.

The pipeline, one module per stage: load (yamlsafe, records) -> validate (schemas) ->
index (index) -> compute -> check (engine, api) -> render/build (site).
"""
__version__ = "0.1.0"
