-- The change log (ours, beside upstream's schema): triggers record which providers, usages, resource classes, traits
-- and aggregates changed, whichever process wrote them, so the allocation-candidates cache can learn exactly what changed.
-- kind: 1 provider topology (row_id: provider), 2 usage (row_id: provider, resource_class_id, used_delta),
-- 3 resource class, 4 trait, 5 aggregate (row_id: that row's id).
--
-- Why seqs are exact: each logged row bumps the 'head' counter, which row-locks it until the writer commits, so writers
-- that log changes take turns; a writer's seq is larger than that of every transaction that committed before it took
-- the lock and smaller than that of any that takes it after, and a rollback gives its numbers back. Seqs are therefore
-- in commit order with no gaps: a reader whose snapshot shows head = N sees every change with seq <= N and none above.
-- InnoDB, whatever the server's default engine: the argument needs row locks and rollback.
--
-- Inserts take their seq in BEFORE triggers: InnoDB checks a new row's foreign keys (a share lock on its provider)
-- when the row goes in, after BEFORE triggers and before AFTER ones. Taken after, the counter would be waited for
-- while holding that provider, whom an allocation writer holding the counter waits for to bump its generation: a
-- deadlock (a child provider created, or a provider's first traits set, while instances are placed on it). A failed
-- insert undoes its trigger's writes with it. (PostgreSQL defers its triggers to commit; SQLite has one writer.)
-- A trigger whose definition changes gets a new version in its name (v1, v2...), so that starts replace it.
--
-- Statements are separated by "-- go" lines: each is sent on its own, and a trigger that exists is not created again.
CREATE TABLE IF NOT EXISTS change_log_counters (
    name VARCHAR(16) NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB;
-- go
-- head: the seq of the last committed change; pruned: changes with seq <= pruned may have been deleted.
INSERT IGNORE INTO change_log_counters (name, value) VALUES ('head', 0), ('pruned', 0);
-- go
CREATE TABLE IF NOT EXISTS change_log (
    id BIGINT NOT NULL AUTO_INCREMENT,
    seq BIGINT NOT NULL,
    kind SMALLINT NOT NULL,
    row_id INTEGER NOT NULL,
    resource_class_id INTEGER NULL,
    used_delta BIGINT NULL,
    PRIMARY KEY (id),
    KEY change_log_seq_idx (seq)
) ENGINE = InnoDB;
-- go
-- The seq is taken before the row goes in (its id is not known yet: the row is logged after).
CREATE TRIGGER change_log_v1_resource_providers_seq BEFORE INSERT ON resource_providers FOR EACH ROW
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
-- go
CREATE TRIGGER change_log_v1_resource_providers_insert AFTER INSERT ON resource_providers FOR EACH ROW
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.id FROM change_log_counters WHERE name = 'head';
-- go
-- Only what shapes trees: every allocation write bumps a provider's generation, and a name is no candidate's concern.
CREATE TRIGGER change_log_v1_resource_providers_update AFTER UPDATE ON resource_providers FOR EACH ROW BEGIN
    IF NOT (NEW.parent_provider_id <=> OLD.parent_provider_id AND NEW.root_provider_id <=> OLD.root_provider_id
            AND NEW.uuid <=> OLD.uuid) THEN
        UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
        INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.id FROM change_log_counters WHERE name = 'head';
    END IF;
END;
-- go
CREATE TRIGGER change_log_v1_resource_providers_delete AFTER DELETE ON resource_providers FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_inventories_insert BEFORE INSERT ON inventories FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_inventories_update AFTER UPDATE ON inventories FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
    IF NOT (NEW.resource_provider_id <=> OLD.resource_provider_id) THEN
        UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
        INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
    END IF;
END;
-- go
CREATE TRIGGER change_log_v1_inventories_delete AFTER DELETE ON inventories FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_traits_insert BEFORE INSERT ON resource_provider_traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_traits_update AFTER UPDATE ON resource_provider_traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
    IF NOT (NEW.resource_provider_id <=> OLD.resource_provider_id) THEN
        UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
        INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
    END IF;
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_traits_delete AFTER DELETE ON resource_provider_traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_aggregates_insert BEFORE INSERT ON resource_provider_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_aggregates_update AFTER UPDATE ON resource_provider_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, NEW.resource_provider_id FROM change_log_counters WHERE name = 'head';
    IF NOT (NEW.resource_provider_id <=> OLD.resource_provider_id) THEN
        UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
        INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
    END IF;
END;
-- go
CREATE TRIGGER change_log_v1_resource_provider_aggregates_delete AFTER DELETE ON resource_provider_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 1, OLD.resource_provider_id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_allocations_insert BEFORE INSERT ON allocations FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id, resource_class_id, used_delta)
    SELECT value, 2, NEW.resource_provider_id, NEW.resource_class_id, NEW.used FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_allocations_update AFTER UPDATE ON allocations FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id, resource_class_id, used_delta)
    SELECT value, 2, OLD.resource_provider_id, OLD.resource_class_id, -OLD.used FROM change_log_counters WHERE name = 'head';
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id, resource_class_id, used_delta)
    SELECT value, 2, NEW.resource_provider_id, NEW.resource_class_id, NEW.used FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_allocations_delete AFTER DELETE ON allocations FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id, resource_class_id, used_delta)
    SELECT value, 2, OLD.resource_provider_id, OLD.resource_class_id, -OLD.used FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_classes_insert AFTER INSERT ON resource_classes FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 3, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_classes_update AFTER UPDATE ON resource_classes FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 3, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_resource_classes_delete AFTER DELETE ON resource_classes FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 3, OLD.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_traits_insert AFTER INSERT ON traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 4, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_traits_update AFTER UPDATE ON traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 4, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_traits_delete AFTER DELETE ON traits FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 4, OLD.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_placement_aggregates_insert AFTER INSERT ON placement_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 5, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_placement_aggregates_update AFTER UPDATE ON placement_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 5, NEW.id FROM change_log_counters WHERE name = 'head';
END;
-- go
CREATE TRIGGER change_log_v1_placement_aggregates_delete AFTER DELETE ON placement_aggregates FOR EACH ROW BEGIN
    UPDATE change_log_counters SET value = value + 1 WHERE name = 'head';
    INSERT INTO change_log (seq, kind, row_id) SELECT value, 5, OLD.id FROM change_log_counters WHERE name = 'head';
END;
