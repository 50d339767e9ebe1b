package dev.streamstate.pipelines;

import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.ResultSet;
import com.datastax.driver.core.Session;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.Iterator;
import java.util.concurrent.Future;
import org.apache.beam.sdk.io.cassandra.Mapper;

/**
 * Lets CassandraIO write any pipeline's JSON results: each line is one {@code INSERT … JSON} into
 * the pipeline's table, whose columns are named like the JSON fields. An insert is an upsert by
 * primary key, so writing a result twice (a recomputed micro-batch, a late pane) leaves one row.
 */
final class JsonRowMapper implements Mapper<String> {
  private final Session session;
  private final PreparedStatement insert;

  JsonRowMapper(Session session, String keyspace, String table) {
    this.session = session;
    this.insert = session.prepare("INSERT INTO " + keyspace + "." + table + " JSON ?");
  }

  @Override
  public Future<Void> saveAsync(String json) {
    return Futures.transform(
        session.executeAsync(insert.bind(json)), (ResultSet ignored) -> null, MoreExecutors.directExecutor());
  }

  @Override
  public Iterator<String> map(ResultSet rows) {
    throw new UnsupportedOperationException("JSON rows are written, not read");
  }

  @Override
  public Future<Void> deleteAsync(String json) {
    throw new UnsupportedOperationException("JSON rows are written, not deleted");
  }
}
