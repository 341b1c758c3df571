// Package serve runs the examples' HTTP servers alike: a main that stops on
// SIGINT or SIGTERM and logs to stderr, a server with read, write and idle
// timeouts that shuts down gracefully, and request logs that never show a
// query, header, cookie or body (they hold codes, tokens and passwords).
package serve
