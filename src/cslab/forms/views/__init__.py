"""Pages of the forms area: a project's forms, the form builder and the web form."""
