"""The office's drafting service: people and their roles, history in git, review, the register.

Nothing here speaks HTTP: the page (`tbkl_gen.page`) and the command line call these modules.
"""
