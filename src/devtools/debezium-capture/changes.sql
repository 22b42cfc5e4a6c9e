-- The changes captured after the connectors' snapshot (see capture.sh). Each statement is its own
-- transaction, so each change has its own commit time and log position.
INSERT INTO customers VALUES ('cust-201', 'Kari.Nordmann@Example.com', 'Kari', 'Bergen', 'gold', true,
  '2026-11-26 09:15:00.123456+00', 1234.50, '{"lang": "nb", "sizes": ["S"]}', 'prefers e-mail',
  '1990-02-28', '2026-11-25 18:30:15.654321', '2026-11-25 18:30:15.654', '09:30:00.25',
  '6f1c2a9e-3b7d-4c55-9a0e-2d8f1b7c4e10', '{"newsletter": true, "channels": ["email", "sms"]}',
  '\x89504e470d0a1a0a', 42.125);
-- An update that leaves the large (TOASTed) notes and avatar alone: with REPLICA IDENTITY DEFAULT
-- Debezium cannot read them and sends its placeholder.
UPDATE customers SET notes = (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 120) AS i),
  avatar = (SELECT decode(string_agg(md5((i * 7)::text), ''), 'hex') FROM generate_series(1, 200) AS i)
  WHERE id = 'cust-201';
UPDATE customers SET tier = 'platinum', city = 'Tromsø' WHERE id = 'cust-201';
UPDATE customers SET birth_date = NULL, external_ref = NULL, settings = NULL WHERE id = 'cust-201';
DELETE FROM customers WHERE id = 'cust-201';
-- The same with REPLICA IDENTITY FULL: updates and deletes carry the whole old row in before.
ALTER TABLE customers REPLICA IDENTITY FULL;
UPDATE customers SET tier = 'silver', last_login_at = '2026-11-26 07:00:00.000001' WHERE id = 'cust-101';
DELETE FROM customers WHERE id = 'cust-101';
