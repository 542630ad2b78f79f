package graph

import "github.com/policykb/policykb/internal/policy"

// Services returns the services that put documents side by side and link
// them, as the resolvers use them: those r was given, else the defaults
// over its other services, made once and shared, caches included.
func (r *Resolver) Services() (policy.YearService, policy.LinkService) { return r.services() }
