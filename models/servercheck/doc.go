// Package servercheck holds a test only: it loads the embedded model
// repository (package models) into the serving core (internal/server), the
// way `hlogate serve` does by default, and checks that every model's
// example request, sent through the server, returns what numpy computed
// when the model was generated. It lives apart from package models so that
// the models' own tests do not depend on the server.
package servercheck
