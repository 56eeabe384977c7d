package dev.storyreel.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jspecify.annotations.Nullable;

/**
 * The jobs, their events and their webhook deliveries, in a database over JDBC (H2 embedded by
 * default; the SQL is plain enough for PostgreSQL). The schema is applied at start from the
 * versioned files under {@code db/} on the classpath, each once, recorded in {@code
 * schema_version}. Thread-safe: every call takes its own connection.
 */
final class JobStore implements AutoCloseable {

  /** A job's row. {@code state} is {@code QUEUED} or a {@link dev.storyreel.core.JobState} name. */
  record JobRow(String id, @Nullable String idempotencyKey, String requestSha256,
      String requestJson, String state, long createdAt, long updatedAt, boolean approved,
      boolean cancelRequested, int runCount, @Nullable String progressJson,
      @Nullable String error, @Nullable Long finishedAt) {}

  /** A stored progress event. */
  record EventRow(long seq, String type, String data) {}

  /** A webhook delivery: one event for one job, tried until delivered or given up. */
  record Delivery(String id, String jobId, String eventType, String url, String payload,
      String state, int attempts, long nextAttemptAt) {}

  /** One try of a delivery. */
  record Attempt(int attempt, long attemptedAt, @Nullable Integer httpStatus,
      @Nullable String error) {}

  /** Thrown when an idempotency key is already taken. */
  static final class DuplicateKeyException extends RuntimeException {
    DuplicateKeyException() {
      super("duplicate idempotency key");
    }
  }

  private final JdbcConnectionPool h2;
  private final String url;
  private final String user;
  private final String password;

  JobStore(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.h2 = url.startsWith("jdbc:h2:") ? JdbcConnectionPool.create(url, user, password) : null;
    if (h2 != null) {
      h2.setMaxConnections(32);
    }
  }

  private Connection connect() throws SQLException {
    return h2 != null ? h2.getConnection() : DriverManager.getConnection(url, user, password);
  }

  /** Applies the schema files not applied yet, in order. */
  void migrate() {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY,"
          + " name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
      List<String> files = lines("db/migrations.txt");
      int applied = 0;
      try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
        if (rs.next()) {
          applied = rs.getInt(1);
        }
      }
      for (int v = applied + 1; v <= files.size(); v++) {
        String name = files.get(v - 1);
        c.setAutoCommit(false);
        for (String stmt : String.join("\n", lines("db/" + name)).split(";")) {
          if (!stmt.isBlank()) {
            s.execute(stmt);
          }
        }
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
          p.setInt(1, v);
          p.setString(2, name);
          p.setLong(3, System.currentTimeMillis());
          p.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the job database could not be prepared: "
          + e.getMessage(), e);
    }
  }

  private static List<String> lines(String resource) {
    try (InputStream in = JobStore.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the server jar");
      }
      List<String> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String l; (l = r.readLine()) != null; ) {
        String t = l.strip();
        if (!t.isEmpty() && !t.startsWith("--")) {
          out.add(l);
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(resource + " could not be read", e);
    }
  }

  /**
   * @throws DuplicateKeyException if the idempotency key is taken
   */
  void insert(JobRow j) {
    String sql = "INSERT INTO jobs (id, idempotency_key, request_sha256, request_json, state,"
        + " created_at, updated_at, approved, cancel_requested, run_count) VALUES"
        + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, j.id());
      p.setString(2, j.idempotencyKey());
      p.setString(3, j.requestSha256());
      p.setString(4, j.requestJson());
      p.setString(5, j.state());
      p.setLong(6, j.createdAt());
      p.setLong(7, j.updatedAt());
      p.setBoolean(8, j.approved());
      p.setBoolean(9, j.cancelRequested());
      p.setInt(10, j.runCount());
      p.executeUpdate();
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        throw new DuplicateKeyException();
      }
      throw fail(e);
    }
  }

  private static final String COLUMNS = "id, idempotency_key, request_sha256, request_json,"
      + " state, created_at, updated_at, approved, cancel_requested, run_count, progress_json,"
      + " error, finished_at";

  private static JobRow row(ResultSet rs) throws SQLException {
    long fin = rs.getLong(13);
    Long finished = rs.wasNull() ? null : fin;
    return new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8), rs.getBoolean(9),
        rs.getInt(10), rs.getString(11), rs.getString(12), finished);
  }

  Optional<JobRow> find(String id) {
    return one("SELECT " + COLUMNS + " FROM jobs WHERE id = ?", id);
  }

  Optional<JobRow> findByIdempotencyKey(String key) {
    return one("SELECT " + COLUMNS + " FROM jobs WHERE idempotency_key = ?", key);
  }

  private Optional<JobRow> one(String sql, String arg) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, arg);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  /**
   * Newest first.
   *
   * @param limit at most this many
   * @param beforeCreatedAt with {@code beforeId}, the last row of the previous page, or null
   */
  List<JobRow> list(int limit, @Nullable Long beforeCreatedAt, @Nullable String beforeId) {
    String sql = "SELECT " + COLUMNS + " FROM jobs"
        + (beforeCreatedAt == null ? "" : " WHERE created_at < ? OR (created_at = ? AND id < ?)")
        + " ORDER BY created_at DESC, id DESC LIMIT " + limit;
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
      if (beforeCreatedAt != null) {
        p.setLong(1, beforeCreatedAt);
        p.setLong(2, beforeCreatedAt);
        p.setString(3, beforeId);
      }
      List<JobRow> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  /** @return the ids of jobs not in a final state, oldest first */
  List<String> unfinished() {
    String sql = "SELECT id FROM jobs WHERE state NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')"
        + " ORDER BY created_at, id";
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql);
        ResultSet rs = p.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  /** Sets a running job's state and progress (a non-final state). */
  void updateProgress(String id, String state, String progressJson) {
    update("UPDATE jobs SET state = ?, progress_json = ?, updated_at = ? WHERE id = ?"
        + " AND state NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')",
        state, progressJson, System.currentTimeMillis(), id);
  }

  /** @return whether the job was not final yet and is now */
  boolean finish(String id, String state, @Nullable String progressJson,
      @Nullable String error) {
    long now = System.currentTimeMillis();
    return update("UPDATE jobs SET state = ?, progress_json = COALESCE(?, progress_json),"
        + " error = ?, updated_at = ?, finished_at = ? WHERE id = ?"
        + " AND state NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')",
        state, progressJson, error, now, now, id) == 1;
  }

  void markApproved(String id) {
    update("UPDATE jobs SET approved = TRUE, updated_at = ? WHERE id = ?",
        System.currentTimeMillis(), id);
  }

  void markCancelRequested(String id) {
    update("UPDATE jobs SET cancel_requested = TRUE, updated_at = ? WHERE id = ?",
        System.currentTimeMillis(), id);
  }

  void incrementRuns(String id) {
    update("UPDATE jobs SET run_count = run_count + 1 WHERE id = ?", id);
  }

  void appendEvent(String jobId, long seq, String type, String data) {
    update("INSERT INTO job_events (job_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
        jobId, seq, type, data, System.currentTimeMillis());
  }

  long lastEventSeq(String jobId) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(
        "SELECT COALESCE(MAX(seq), 0) FROM job_events WHERE job_id = ?")) {
      p.setString(1, jobId);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  List<EventRow> events(String jobId, long afterSeq, int limit) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(
        "SELECT seq, type, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq"
            + " LIMIT " + limit)) {
      p.setString(1, jobId);
      p.setLong(2, afterSeq);
      List<EventRow> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  /** @return whether it was added (false: this job already has a delivery of this event) */
  boolean addDelivery(Delivery d) {
    try {
      update("INSERT INTO webhook_deliveries (id, job_id, event_type, url, payload, state,"
          + " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", d.id(), d.jobId(),
          d.eventType(), d.url(), d.payload(), d.state(), d.attempts(), d.nextAttemptAt());
      return true;
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof SQLException s && s.getSQLState() != null
          && s.getSQLState().startsWith("23")) {
        return false;
      }
      throw e;
    }
  }

  Optional<Delivery> delivery(String id) {
    List<Delivery> l = deliveries("SELECT id, job_id, event_type, url, payload, state, attempts,"
        + " next_attempt_at FROM webhook_deliveries WHERE id = ?", id);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  List<Delivery> pendingDeliveries() {
    return deliveries("SELECT id, job_id, event_type, url, payload, state, attempts,"
        + " next_attempt_at FROM webhook_deliveries WHERE state = 'PENDING'"
        + " ORDER BY next_attempt_at", null);
  }

  List<Delivery> deliveriesOf(String jobId) {
    return deliveries("SELECT id, job_id, event_type, url, payload, state, attempts,"
        + " next_attempt_at FROM webhook_deliveries WHERE job_id = ? ORDER BY id", jobId);
  }

  private List<Delivery> deliveries(String sql, @Nullable String arg) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
      if (arg != null) {
        p.setString(1, arg);
      }
      List<Delivery> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getLong(8)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  /** Records an attempt and the delivery's new state, in one transaction. */
  void recordAttempt(String deliveryId, int attempt, @Nullable Integer status,
      @Nullable String error, String newState, long nextAttemptAt) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO webhook_attempts"
          + " (delivery_id, attempt, attempted_at, http_status, error) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement u = c.prepareStatement("UPDATE webhook_deliveries SET state = ?,"
              + " attempts = ?, next_attempt_at = ? WHERE id = ?")) {
        p.setString(1, deliveryId);
        p.setInt(2, attempt);
        p.setLong(3, System.currentTimeMillis());
        if (status == null) {
          p.setNull(4, Types.INTEGER);
        } else {
          p.setInt(4, status);
        }
        p.setString(5, error == null ? null
            : error.substring(0, Math.min(error.length(), 1000)));
        p.executeUpdate();
        u.setString(1, newState);
        u.setInt(2, attempt);
        u.setLong(3, nextAttemptAt);
        u.setString(4, deliveryId);
        u.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  List<Attempt> attempts(String deliveryId) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT attempt,"
        + " attempted_at, http_status, error FROM webhook_attempts WHERE delivery_id = ?"
        + " ORDER BY attempt")) {
      p.setString(1, deliveryId);
      List<Attempt> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          int st = rs.getInt(3);
          Integer status = rs.wasNull() ? null : st;
          out.add(new Attempt(rs.getInt(1), rs.getLong(2), status, rs.getString(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p.executeUpdate();
    } catch (SQLException e) {
      throw fail(e);
    }
  }

  private static IllegalStateException fail(SQLException e) {
    return new IllegalStateException("job database: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    if (h2 != null) {
      h2.dispose();
    }
  }
}
