// Package model holds focalbot's domain: countries, people, the network, the
// audit log, and the one error type every layer speaks. It imports only the
// standard library and knows nothing of databases, chat systems or e-mail.
package model
