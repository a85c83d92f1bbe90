"""The Word side: a notice laid out, rendered through a template and written as a .docx."""
