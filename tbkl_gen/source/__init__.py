"""The source side: a YAML file (and the office defaults of tbkl.yaml) read into a notice, with places."""
