-- StoryReel job server, schema version 1. Portable SQL (H2 2.x and PostgreSQL).
-- Times are Unix epoch milliseconds. JSON is stored as text.
CREATE TABLE jobs (
  id VARCHAR(64) PRIMARY KEY,
  idempotency_key VARCHAR(255) UNIQUE,
  request_sha256 VARCHAR(64) NOT NULL,
  request_json VARCHAR NOT NULL,
  state VARCHAR(32) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  approved BOOLEAN NOT NULL,
  cancel_requested BOOLEAN NOT NULL,
  run_count INT NOT NULL,
  progress_json VARCHAR,
  error VARCHAR,
  finished_at BIGINT
);
CREATE INDEX jobs_created ON jobs (created_at, id);
CREATE INDEX jobs_state ON jobs (state);

CREATE TABLE job_events (
  job_id VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL,
  type VARCHAR(64) NOT NULL,
  data VARCHAR NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE webhook_deliveries (
  id VARCHAR(64) PRIMARY KEY,
  job_id VARCHAR(64) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  url VARCHAR(2048) NOT NULL,
  payload VARCHAR NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  UNIQUE (job_id, event_type)
);

CREATE TABLE webhook_attempts (
  delivery_id VARCHAR(64) NOT NULL,
  attempt INT NOT NULL,
  attempted_at BIGINT NOT NULL,
  http_status INT,
  error VARCHAR(1000),
  PRIMARY KEY (delivery_id, attempt)
);
