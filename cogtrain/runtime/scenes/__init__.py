"""The screens. Each turns plain state into pixels and input into calls on the flow."""
