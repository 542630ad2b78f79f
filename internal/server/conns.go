package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Conns keeps idle keep-alive connections from taking the places of new
// clients: when a connection arrives while more than a soft limit are open,
// the one idle longest is closed to make room. A listener bounded at a
// higher, hard limit (MaxConnections) then only ever holds back clients
// while that many connections are busy, never because some client opened
// connections and left them idle.
//
// Use its ConnState method as http.Server.ConnState.
type Conns struct {
	soft int

	mu   sync.Mutex
	open int
	idle map[net.Conn]time.Time // since when each idle connection is idle
}

// NewConns returns a Conns that closes idle connections while more than
// soft are open.
func NewConns(soft int) *Conns {
	return &Conns{soft: soft, idle: make(map[net.Conn]time.Time)}
}

// ConnState follows the state of every connection of a server.
func (c *Conns) ConnState(conn net.Conn, st http.ConnState) {
	var drop net.Conn
	c.mu.Lock()
	switch st {
	case http.StateNew:
		c.open++
		if c.open > c.soft {
			drop = c.longestIdle()
		}
	case http.StateIdle:
		c.idle[conn] = time.Now()
	case http.StateActive:
		delete(c.idle, conn)
	case http.StateClosed, http.StateHijacked:
		delete(c.idle, conn)
		c.open--
	}
	c.mu.Unlock()
	if drop != nil {
		drop.Close() // the server then reports it closed
	}
}

// longestIdle removes and returns the connection idle longest, nil if none
// is idle. c.mu is held.
func (c *Conns) longestIdle() net.Conn {
	var oldest net.Conn
	var since time.Time
	for conn, t := range c.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = conn, t
		}
	}
	if oldest != nil {
		delete(c.idle, oldest)
	}
	return oldest
}

// Open returns how many connections are open.
func (c *Conns) Open() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}
