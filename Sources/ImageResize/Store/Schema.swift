import Postgres

/// The database schema as versioned migrations, applied in order by
/// `imageresize migrate` (and the Heroku release phase).
///
/// Job-level state (counters, completed_at/failed_at) is kept in step with the
/// images by StoreResult in the same transaction that records an image.
public enum Schema {
    /// Applies every migration not applied yet; safe when several processes start at once.
    public static var migrator: Migrator { Migrator(migrations) }

    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "jobs and images",
            sql: """
                CREATE TABLE jobs (
                    id uuid PRIMARY KEY,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    completed_at timestamptz,
                    failed_at timestamptz,
                    image_count integer NOT NULL CHECK (image_count > 0),
                    images_completed integer NOT NULL DEFAULT 0,
                    images_failed integer NOT NULL DEFAULT 0
                );
                CREATE INDEX jobs_created_at ON jobs (created_at DESC);
                CREATE TABLE images (
                    id uuid PRIMARY KEY,
                    job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    position integer NOT NULL,
                    url text NOT NULL,
                    width integer,
                    height integer,
                    fit text NOT NULL,
                    format text NOT NULL,
                    quality integer NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    started_at timestamptz,
                    completed_at timestamptz,
                    failed_at timestamptz,
                    out_width integer,
                    out_height integer,
                    out_bytes integer,
                    content_type text,
                    storage_key text,
                    error_code text,
                    error_message text,
                    UNIQUE (job_id, position)
                );
                CREATE INDEX images_job_id ON images (job_id);
                CREATE INDEX images_finished ON images (coalesce(completed_at, failed_at));
                CREATE TABLE image_blobs (
                    key text PRIMARY KEY,
                    content_type text NOT NULL,
                    etag text NOT NULL,
                    data bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        Migration(
            version: 2, name: "orphaned results sweep",
            sql: """
                CREATE INDEX images_storage_key ON images (storage_key) WHERE storage_key IS NOT NULL;
                CREATE INDEX image_blobs_created_at ON image_blobs (created_at);
                """),
    ]
}
