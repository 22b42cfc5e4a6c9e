-- The sample customers table: every column kind a customers table commonly has, one of each
-- logical type Debezium's PostgreSQL connector maps specially (docs/contracts.md lists each and its stored form).
CREATE TABLE customers (
  id text PRIMARY KEY,
  email text,
  first_name text,
  city text,
  tier text,
  marketing_opt_in boolean,
  updated_at timestamptz,               -- io.debezium.time.ZonedTimestamp (ISO text, UTC)
  credit_limit numeric(10, 2),          -- org.apache.kafka.connect.data.Decimal (precise mode)
  preferences jsonb,                    -- io.debezium.data.Json
  notes text,
  birth_date date,                      -- io.debezium.time.Date (days since 1970-01-01)
  last_login_at timestamp,              -- io.debezium.time.MicroTimestamp (µs since epoch, no zone)
  last_login_ms timestamp(3),           -- io.debezium.time.Timestamp (ms since epoch, no zone)
  contact_time time,                    -- io.debezium.time.MicroTime (µs since midnight)
  external_ref uuid,                    -- io.debezium.data.Uuid
  settings json,                        -- io.debezium.data.Json
  avatar bytea,                         -- bytes (binary.handling.mode)
  loyalty_points numeric                -- io.debezium.data.VariableScaleDecimal (precise mode)
);
-- Large values go out of line uncompressed, so an update that does not touch them leaves them
-- unchanged in TOAST storage (the case of the placeholder).
ALTER TABLE customers ALTER COLUMN notes SET STORAGE EXTERNAL;
ALTER TABLE customers ALTER COLUMN avatar SET STORAGE EXTERNAL;
-- The snapshot reads these two.
INSERT INTO customers VALUES ('cust-101', 'ola@example.com', 'Ola', 'Oslo', 'bronze', false,
  '2026-11-20 08:00:00+00', 215.05, '{"lang": "nb"}', NULL, '1985-12-31', '2026-11-19 21:45:00.5',
  '2026-11-19 21:45:00.5', '17:05:00', 'a3bb189e-8bf9-3888-9912-ace4e6543002', '[1, 2, 3]', '\xdeadbeef', 7);
INSERT INTO customers VALUES ('cust-102', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL);
