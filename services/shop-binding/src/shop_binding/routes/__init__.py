"""HTTP routes per audience (merchant, creator, support, business-centre links), their dependencies and schemas."""
