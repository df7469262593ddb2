"""The bundled rules and computations, imported as the package ``cms_checks`` by
cms_build/rules.py: a domain's modules may import each other relatively."""
