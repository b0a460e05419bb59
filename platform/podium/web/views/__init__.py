"""The participant site, one module per area; views are thin and call services and selectors."""
