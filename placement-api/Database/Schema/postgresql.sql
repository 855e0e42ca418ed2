-- Upstream Placement's schema on PostgreSQL at alembic revision a082b8bb98d0, as pg_dump --schema-only prints it
-- after upstream's alembic created it (Placement 8.0.0's migrations plus master's a082b8bb98d0).
CREATE TABLE alembic_version (
    version_num character varying(32) NOT NULL
);

CREATE TABLE allocations (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    resource_provider_id integer NOT NULL,
    consumer_id character varying(36) NOT NULL,
    resource_class_id integer NOT NULL,
    used integer NOT NULL
);

CREATE SEQUENCE allocations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE allocations_id_seq OWNED BY allocations.id;

CREATE TABLE consumer_types (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    name character varying(255) NOT NULL
);

CREATE SEQUENCE consumer_types_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE consumer_types_id_seq OWNED BY consumer_types.id;

CREATE TABLE consumers (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    uuid character varying(36) NOT NULL,
    project_id integer NOT NULL,
    user_id integer NOT NULL,
    generation integer DEFAULT 0 NOT NULL,
    consumer_type_id integer
);

CREATE SEQUENCE consumers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE consumers_id_seq OWNED BY consumers.id;

CREATE TABLE inventories (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    resource_provider_id integer NOT NULL,
    resource_class_id integer NOT NULL,
    total integer NOT NULL,
    reserved integer NOT NULL,
    min_unit integer NOT NULL,
    max_unit integer NOT NULL,
    step_size integer NOT NULL,
    allocation_ratio double precision NOT NULL
);

CREATE SEQUENCE inventories_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE inventories_id_seq OWNED BY inventories.id;

CREATE TABLE placement_aggregates (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    uuid character varying(36)
);

CREATE SEQUENCE placement_aggregates_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE placement_aggregates_id_seq OWNED BY placement_aggregates.id;

CREATE TABLE projects (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    external_id character varying(255) NOT NULL
);

CREATE SEQUENCE projects_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE projects_id_seq OWNED BY projects.id;

CREATE TABLE resource_classes (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    name character varying(255) NOT NULL
);

CREATE SEQUENCE resource_classes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE resource_classes_id_seq OWNED BY resource_classes.id;

CREATE TABLE resource_provider_aggregates (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    resource_provider_id integer NOT NULL,
    aggregate_id integer NOT NULL
);

CREATE TABLE resource_provider_traits (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    trait_id integer NOT NULL,
    resource_provider_id integer NOT NULL
);

CREATE TABLE resource_providers (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    uuid character varying(36) NOT NULL,
    name character varying(200),
    generation integer,
    root_provider_id integer,
    parent_provider_id integer
);

CREATE SEQUENCE resource_providers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE resource_providers_id_seq OWNED BY resource_providers.id;

CREATE TABLE traits (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    name character varying(255) NOT NULL
);

CREATE SEQUENCE traits_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE traits_id_seq OWNED BY traits.id;

CREATE TABLE users (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    id integer NOT NULL,
    external_id character varying(255) NOT NULL
);

CREATE SEQUENCE users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE users_id_seq OWNED BY users.id;

ALTER TABLE ONLY allocations ALTER COLUMN id SET DEFAULT nextval('allocations_id_seq'::regclass);

ALTER TABLE ONLY consumer_types ALTER COLUMN id SET DEFAULT nextval('consumer_types_id_seq'::regclass);

ALTER TABLE ONLY consumers ALTER COLUMN id SET DEFAULT nextval('consumers_id_seq'::regclass);

ALTER TABLE ONLY inventories ALTER COLUMN id SET DEFAULT nextval('inventories_id_seq'::regclass);

ALTER TABLE ONLY placement_aggregates ALTER COLUMN id SET DEFAULT nextval('placement_aggregates_id_seq'::regclass);

ALTER TABLE ONLY projects ALTER COLUMN id SET DEFAULT nextval('projects_id_seq'::regclass);

ALTER TABLE ONLY resource_classes ALTER COLUMN id SET DEFAULT nextval('resource_classes_id_seq'::regclass);

ALTER TABLE ONLY resource_providers ALTER COLUMN id SET DEFAULT nextval('resource_providers_id_seq'::regclass);

ALTER TABLE ONLY traits ALTER COLUMN id SET DEFAULT nextval('traits_id_seq'::regclass);

ALTER TABLE ONLY users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);

ALTER TABLE ONLY alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);

ALTER TABLE ONLY allocations
    ADD CONSTRAINT allocations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY consumer_types
    ADD CONSTRAINT consumer_types_pkey PRIMARY KEY (id);

ALTER TABLE ONLY consumers
    ADD CONSTRAINT consumers_pkey PRIMARY KEY (id);

ALTER TABLE ONLY inventories
    ADD CONSTRAINT inventories_pkey PRIMARY KEY (id);

ALTER TABLE ONLY placement_aggregates
    ADD CONSTRAINT placement_aggregates_pkey PRIMARY KEY (id);

ALTER TABLE ONLY projects
    ADD CONSTRAINT projects_pkey PRIMARY KEY (id);

ALTER TABLE ONLY resource_classes
    ADD CONSTRAINT resource_classes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY resource_provider_aggregates
    ADD CONSTRAINT resource_provider_aggregates_pkey PRIMARY KEY (resource_provider_id, aggregate_id);

ALTER TABLE ONLY resource_provider_traits
    ADD CONSTRAINT resource_provider_traits_pkey PRIMARY KEY (trait_id, resource_provider_id);

ALTER TABLE ONLY resource_providers
    ADD CONSTRAINT resource_providers_pkey PRIMARY KEY (id);

ALTER TABLE ONLY traits
    ADD CONSTRAINT traits_pkey PRIMARY KEY (id);

ALTER TABLE ONLY consumer_types
    ADD CONSTRAINT uniq_consumer_types0name UNIQUE (name);

ALTER TABLE ONLY consumers
    ADD CONSTRAINT uniq_consumers0uuid UNIQUE (uuid);

ALTER TABLE ONLY inventories
    ADD CONSTRAINT uniq_inventories0resource_provider_resource_class UNIQUE (resource_provider_id, resource_class_id);

ALTER TABLE ONLY placement_aggregates
    ADD CONSTRAINT uniq_placement_aggregates0uuid UNIQUE (uuid);

ALTER TABLE ONLY projects
    ADD CONSTRAINT uniq_projects0external_id UNIQUE (external_id);

ALTER TABLE ONLY resource_classes
    ADD CONSTRAINT uniq_resource_classes0name UNIQUE (name);

ALTER TABLE ONLY resource_providers
    ADD CONSTRAINT uniq_resource_providers0name UNIQUE (name);

ALTER TABLE ONLY resource_providers
    ADD CONSTRAINT uniq_resource_providers0uuid UNIQUE (uuid);

ALTER TABLE ONLY traits
    ADD CONSTRAINT uniq_traits0name UNIQUE (name);

ALTER TABLE ONLY users
    ADD CONSTRAINT uniq_users0external_id UNIQUE (external_id);

ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX allocations_consumer_id_idx ON allocations USING btree (consumer_id);

CREATE INDEX allocations_resource_class_id_idx ON allocations USING btree (resource_class_id);

CREATE INDEX allocations_resource_provider_class_used_idx ON allocations USING btree (resource_provider_id, resource_class_id, used);

CREATE INDEX consumers_consumer_type_id_idx ON consumers USING btree (consumer_type_id);

CREATE INDEX consumers_project_id_user_id_uuid_idx ON consumers USING btree (project_id, user_id, uuid);

CREATE INDEX consumers_project_id_uuid_idx ON consumers USING btree (project_id, uuid);

CREATE INDEX inventories_resource_class_id_idx ON inventories USING btree (resource_class_id);

CREATE INDEX resource_provider_aggregates_aggregate_id_idx ON resource_provider_aggregates USING btree (aggregate_id);

CREATE INDEX resource_provider_traits_resource_provider_trait_idx ON resource_provider_traits USING btree (resource_provider_id, trait_id);

CREATE INDEX resource_providers_parent_provider_id_idx ON resource_providers USING btree (parent_provider_id);

CREATE INDEX resource_providers_root_provider_id_idx ON resource_providers USING btree (root_provider_id);

ALTER TABLE ONLY consumers
    ADD CONSTRAINT consumers_consumer_type_id_fkey FOREIGN KEY (consumer_type_id) REFERENCES consumer_types(id);

ALTER TABLE ONLY resource_provider_traits
    ADD CONSTRAINT resource_provider_traits_resource_provider_id_fkey FOREIGN KEY (resource_provider_id) REFERENCES resource_providers(id);

ALTER TABLE ONLY resource_provider_traits
    ADD CONSTRAINT resource_provider_traits_trait_id_fkey FOREIGN KEY (trait_id) REFERENCES traits(id);

ALTER TABLE ONLY resource_providers
    ADD CONSTRAINT resource_providers_parent_provider_id_fkey FOREIGN KEY (parent_provider_id) REFERENCES resource_providers(id);

ALTER TABLE ONLY resource_providers
    ADD CONSTRAINT resource_providers_root_provider_id_fkey FOREIGN KEY (root_provider_id) REFERENCES resource_providers(id);

