raise RuntimeError("scorer bug: division by zero in macro_f1")
