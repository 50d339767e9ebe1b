package dev.streamstate.pipelines.io.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Checks that the Kafka brokers a job names answer, before the job starts. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Fails fast, in one line, when no broker answers at {@code bootstrapServers} to a client made
   * with {@code clientConfig} (e.g. SASL/SSL settings, see {@link KafkaClients}).
   */
  public static void checkReachable(String bootstrapServers, Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalArgumentException(
          "no Kafka broker answers at "
              + bootstrapServers
              + ": start one (or point --bootstrapServers at one)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalArgumentException(
          "--bootstrapServers=" + bootstrapServers + " is not usable: " + e.getMessage());
    }
  }
}
