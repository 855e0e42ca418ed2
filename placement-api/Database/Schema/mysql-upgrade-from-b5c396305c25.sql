-- Upstream's migration 422ece571366 (consumer types) on MySQL/MariaDB, as alembic issues it. InnoDB drops the index it
-- made for the foreign key once consumers_consumer_type_id_idx can serve it, as it did under upstream's alembic.
CREATE TABLE consumer_types (
    created_at DATETIME NULL,
    updated_at DATETIME NULL,
    id INTEGER NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uniq_consumer_types0name UNIQUE (name)
);
ALTER TABLE consumers ADD COLUMN consumer_type_id INTEGER;
ALTER TABLE consumers ADD CONSTRAINT consumers_consumer_type_id_fkey FOREIGN KEY(consumer_type_id) REFERENCES consumer_types (id);
CREATE INDEX consumers_consumer_type_id_idx ON consumers (consumer_type_id);
