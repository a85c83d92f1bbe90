"""Built-in Word templates of tbkl-gen (installed as tbkl_gen.templates); see build_templates.py."""
