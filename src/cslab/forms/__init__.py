"""Forms: the XLSForm, the form builder, the form model, the expression evaluator, the
answers checking and the web form."""
