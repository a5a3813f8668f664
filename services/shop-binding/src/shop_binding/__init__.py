"""Shop and creator bindings, invitations, unlink requests and business-centre links."""
