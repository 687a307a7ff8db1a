/// The OpenAPI 3.1 description of the admin API (``AdminAPI``), served at
/// `GET /api/openapi.json`. Kept beside the routes; `AdminAPITests` checks that every route of
/// the API is described and every described path answers.
enum AdminAPIDescription {
    /// The paths and methods described, as `METHOD /path` (for the test).
    static let operations = [
        "POST /api/session", "GET /api/session", "DELETE /api/session",
        "GET /api/channels", "GET /api/destinations", "GET /api/stats", "GET /api/messages", "GET /api/messages/{id}", "POST /api/messages/{id}/replay",
        "POST /api/entries/{id}/replay", "POST /api/entries/{id}/discard", "POST /api/destinations/{name}/dead-letters/retry",
        "POST /api/destinations/{name}/pause", "POST /api/destinations/{name}/resume", "POST /api/config/reload",
        "GET /api/users", "POST /api/users", "PUT /api/users/{name}", "DELETE /api/users/{name}",
    ]

    /// The document (JSON).
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "LienThong admin API",
            "version": "1",
            "description": "What flows through the bus and what is stuck, the stored messages, the actions on them, and the dashboard's accounts. Every operation but POST /api/session needs an API token (Authorization: Bearer) or the dashboard's session cookie, of a role: viewer (no message content), operator (content, replay, discard, pause), admin (configuration, users). A request other than GET made with the cookie must send X-LienThong-CSRF: 1. Errors are {\"error\": \"...\"}."
          },
          "security": [{"bearer": []}, {"session": []}],
          "components": {
            "securitySchemes": {
              "bearer": {"type": "http", "scheme": "bearer", "description": "A token configured under security.tokens (its SHA-256 in the file)."},
              "session": {"type": "apiKey", "in": "cookie", "name": "lienthong_session", "description": "Set by POST /api/session; 8 hours."}},
            "schemas": {
              "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
              "Content": {"type": "object", "description": "Bytes: as text when UTF-8, else base64.", "properties": {"text": {"type": "string"}, "base64": {"type": "string"}}},
              "Channel": {"type": "object", "properties": {
                "name": {"type": "string"}, "source": {"enum": ["mllp", "fhir", "folder"]}, "address": {"type": "string"},
                "routes": {"type": "array", "items": {"type": "object", "properties": {"destination": {"type": "string"}, "mapping": {"type": "string"}}}},
                "receivedLastHour": {"type": "integer"}, "rejectedLastHour": {"type": "integer"}, "rejectionRate": {"type": "number"}}},
              "Destination": {"type": "object", "properties": {
                "name": {"type": "string"}, "kind": {"type": "string"}, "status": {"enum": ["ok", "backlog", "failing", "paused"]},
                "paused": {"type": "boolean"}, "pausedBy": {"type": "string"}, "pausedAt": {"type": "string", "format": "date-time"}, "concurrency": {"type": "integer"},
                "entries": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Entries by state: pending, leased, delivered, dead_letter, discarded."},
                "deadLetters": {"type": "integer"}, "oldestPendingSeconds": {"type": "number"},
                "deliveredLastHour": {"type": "integer"}, "failedLastHour": {"type": "integer"}, "errorRate": {"type": "number"}}},
              "Session": {"type": "object", "properties": {
                "user": {"type": "string"}, "role": {"enum": ["viewer", "operator", "admin"]}, "kind": {"enum": ["session", "token"]},
                "expiresAt": {"type": "string", "format": "date-time"}}},
              "User": {"type": "object", "properties": {
                "name": {"type": "string"}, "role": {"enum": ["viewer", "operator", "admin"]},
                "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}}},
              "MessageSummary": {"type": "object", "properties": {
                "id": {"type": "integer"}, "channel": {"type": "string"}, "format": {"type": "string"}, "type": {"type": "string"}, "event": {"type": "string"},
                "controlID": {"type": "string"}, "sendingApplication": {"type": "string"}, "sendingFacility": {"type": "string"},
                "state": {"enum": ["received", "routed", "filtered", "rejected"]}, "rejection": {"type": "string"},
                "receivedAt": {"type": "string", "format": "date-time"}, "retransmissions": {"type": "integer"}}},
              "Attempt": {"type": "object", "properties": {
                "number": {"type": "integer"}, "outcome": {"type": "string"}, "startedAt": {"type": "string", "format": "date-time"},
                "durationSeconds": {"type": "number"}, "responseCode": {"type": "string"}, "error": {"type": "string"},
                "response": {"$ref": "#/components/schemas/Content", "description": "operator and admin only"}}},
              "Entry": {"type": "object", "properties": {
                "id": {"type": "integer"}, "destination": {"type": "string"}, "state": {"type": "string"}, "mapping": {"type": "string"},
                "attemptCount": {"type": "integer"}, "lastError": {"type": "string"}, "enqueuedAt": {"type": "string", "format": "date-time"},
                "replayOf": {"type": "integer"}, "replacedBy": {"type": "integer"},
                "output": {"type": "object", "description": "operator and admin only: the route's mapped output", "properties": {"format": {"type": "string"}, "content": {"$ref": "#/components/schemas/Content"}}},
                "attempts": {"type": "array", "items": {"$ref": "#/components/schemas/Attempt"}}}}
            },
            "responses": {
              "Unauthorized": {"description": "No or unknown token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Forbidden": {"description": "The token's role may not do this", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "NotFound": {"description": "No such message, entry or destination", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Conflict": {"description": "The store refused (e.g. replaying an entry still queued)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          },
          "paths": {
            "/api/session": {
              "post": {"summary": "Log in to the dashboard (no authentication; 5 failures per account in 15 minutes, then 429)", "security": [],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}}, "required": ["username", "password"]}}}},
                "responses": {
                  "200": {"description": "Logged in; Set-Cookie: lienthong_session (HttpOnly, SameSite=Strict)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
                  "400": {"description": "Not a login", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "429": {"description": "Too many failed logins", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
              "get": {"summary": "Who is calling (viewer)", "responses": {
                "200": {"description": "The caller", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}}},
              "delete": {"summary": "Log out (viewer)", "responses": {
                "204": {"description": "The session ended; the cookie cleared"}, "401": {"$ref": "#/components/responses/Unauthorized"}}}},
            "/api/stats": {"get": {"summary": "Received, delivered and failed per time bucket, and delivery latency (viewer)", "parameters": [
              {"name": "minutes", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1440, "default": 60}},
              {"name": "bucket", "in": "query", "schema": {"type": "integer", "minimum": 10, "maximum": 3600, "default": 60}, "description": "seconds"}],
              "responses": {
                "200": {"description": "Buckets, oldest first", "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "bucketSeconds": {"type": "integer"}, "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
                  "latencySampled": {"type": "boolean"},
                  "buckets": {"type": "array", "items": {"type": "object", "properties": {
                    "start": {"type": "string", "format": "date-time"}, "received": {"type": "integer"}, "delivered": {"type": "integer"}, "failed": {"type": "integer"},
                    "deliveryLatencyMs": {"type": "object", "properties": {"p50": {"type": "number"}, "p95": {"type": "number"}}}}}}}}}}},
                "400": {"description": "A bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}}}},
            "/api/entries/{id}/discard": {"post": {"summary": "Give up on a pending entry or a dead letter (operator)",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {
                "200": {"description": "Discarded", "content": {"application/json": {"schema": {"type": "object", "properties": {"entry": {"type": "integer"}, "state": {"const": "discarded"}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}}}},
            "/api/destinations/{name}/pause": {"post": {"summary": "Pause a destination on every node; its queue is kept (operator)",
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {
                "200": {"description": "The destination", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Destination"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}}}},
            "/api/destinations/{name}/resume": {"post": {"summary": "Resume a paused destination (operator; a pause in the configuration file stays)",
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {
                "200": {"description": "The destination", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Destination"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}}}},
            "/api/users": {
              "get": {"summary": "The dashboard's accounts (admin)", "responses": {
                "200": {"description": "Accounts", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}},
              "post": {"summary": "Add an account (admin; password of 10 characters or more, kept as scrypt)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "name": {"type": "string", "pattern": "^[a-z0-9._-]{1,64}$"}, "role": {"enum": ["viewer", "operator", "admin"]}, "password": {"type": "string", "minLength": 10}},
                  "required": ["name", "role", "password"]}}}},
                "responses": {
                  "201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                  "400": {"description": "A bad field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                  "409": {"description": "The name is taken", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/users/{name}": {
              "put": {"summary": "Change an account's role and/or password; its sessions end (admin)",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "role": {"enum": ["viewer", "operator", "admin"]}, "password": {"type": "string", "minLength": 10}}}}}},
                "responses": {
                  "200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                  "400": {"description": "A bad field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "404": {"$ref": "#/components/responses/NotFound"}}},
              "delete": {"summary": "Delete an account and its sessions (admin; not the caller's own)",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                  "204": {"description": "Deleted"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}}}},
            "/api/channels": {"get": {"summary": "The channels (viewer)", "responses": {
              "200": {"description": "Channels", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Channel"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}}}},
            "/api/destinations": {"get": {"summary": "The destinations with their queues (viewer)", "responses": {
              "200": {"description": "Destinations", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Destination"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}}}},
            "/api/messages": {"get": {"summary": "Search messages, oldest first (viewer; patientID needs operator)", "parameters": [
              {"name": "channel", "in": "query", "schema": {"type": "string"}},
              {"name": "state", "in": "query", "schema": {"enum": ["received", "routed", "filtered", "rejected"]}},
              {"name": "type", "in": "query", "schema": {"type": "string"}, "description": "MSH-9.1"},
              {"name": "event", "in": "query", "schema": {"type": "string"}, "description": "MSH-9.2"},
              {"name": "controlID", "in": "query", "schema": {"type": "string"}},
              {"name": "sendingApplication", "in": "query", "schema": {"type": "string"}},
              {"name": "sendingFacility", "in": "query", "schema": {"type": "string"}},
              {"name": "patientID", "in": "query", "schema": {"type": "string"}, "description": "operator and admin only"},
              {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}},
              {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}},
              {"name": "after", "in": "query", "schema": {"type": "integer"}, "description": "the next of the previous page"},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}],
              "responses": {
                "200": {"description": "A page", "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "messages": {"type": "array", "items": {"$ref": "#/components/schemas/MessageSummary"}}, "next": {"type": "integer"}}}}}},
                "400": {"description": "A bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}}},
            "/api/messages/{id}": {"get": {"summary": "A message, its entries and attempts (viewer; content for operator)",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {
                "200": {"description": "The message", "content": {"application/json": {"schema": {"type": "object", "properties": {
                  "message": {"$ref": "#/components/schemas/MessageSummary"}, "raw": {"$ref": "#/components/schemas/Content"},
                  "entries": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}}}},
            "/api/messages/{id}/replay": {"post": {"summary": "Deliver a message again (operator)",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"destination": {"type": "string"}}}}}},
              "responses": {
                "200": {"description": "The new entries", "content": {"application/json": {"schema": {"type": "object", "properties": {"entries": {"type": "array", "items": {"type": "integer"}}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}}}},
            "/api/entries/{id}/replay": {"post": {"summary": "Deliver an entry (a dead letter, or a delivered entry) again (operator)",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {
                "200": {"description": "The new entry", "content": {"application/json": {"schema": {"type": "object", "properties": {"entry": {"type": "integer"}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}}}},
            "/api/destinations/{name}/dead-letters/retry": {"post": {"summary": "Replay every dead letter of a destination not replayed yet (operator)",
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {
                "200": {"description": "The new entries", "content": {"application/json": {"schema": {"type": "object", "properties": {"entries": {"type": "array", "items": {"type": "integer"}}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"}}}},
            "/api/config/reload": {"post": {"summary": "Read the configuration file again and apply it (admin)",
              "responses": {
                "200": {"description": "Applied", "content": {"application/json": {"schema": {"type": "object"}}}},
                "422": {"description": "Refused: the errors; the previous configuration keeps running", "content": {"application/json": {"schema": {"type": "object"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}}}
          }
        }
        """#
}
