package dev.streamstate.pipelines.io.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The properties every Kafka client of the project is made with, from {@link KafkaClientOptions}.
 * The inline ones ({@code --kafkaProperties}) are checked up front: known keys, valid values, and
 * no secrets, since Beam prints options, ships them with the job and shows KafkaIO's client
 * properties in its display data. The file's ({@code --kafkaPropertiesFile}) are read where each
 * client is made: by us for admin clients and the producer command, and on the workers through the
 * client factories handed to KafkaIO, so a secret appears in no option, graph or log.
 */
public final class KafkaClients {
  /** What Kafka's consumers, producers and admin clients know: names, types, which are secrets. */
  private static final List<ConfigDef> CLIENT_CONFIGS =
      List.of(
          ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef());

  private KafkaClients() {}

  /** The inline and the file's properties, for a client made here and now. */
  public static Map<String, Object> config(KafkaClientOptions options) {
    Map<String, Object> config = new HashMap<>(inline(options.getKafkaProperties()));
    config.putAll(fromFile(options.getKafkaPropertiesFile()));
    return config;
  }

  /** Fails fast, with what to fix, when either option cannot work. */
  public static void check(KafkaClientOptions options) {
    config(options);
  }

  /**
   * The properties of {@code --kafkaProperties}: {@code key=value} items, where an item without
   * {@code =} continues the value before it (a list value split at its commas, e.g. {@code
   * ssl.enabled.protocols=TLSv1.2,TLSv1.3}). A secret is refused unless it is a reference to a
   * Kafka config provider, e.g. {@code ${file:/etc/kafka/secrets.properties:jaas}}.
   */
  public static Map<String, Object> inline(List<String> items) {
    Map<String, Object> config = new LinkedHashMap<>();
    String previous = null;
    for (String item : items == null ? List.<String>of() : items) {
      int equals = item.indexOf('=');
      if (equals < 0 && previous != null) {
        config.put(previous, config.get(previous) + "," + item);
        continue;
      }
      if (equals <= 0 || item.substring(0, equals).isBlank()) {
        throw new IllegalArgumentException(
            "--kafkaProperties: '" + item + "' is not key=value, e.g. security.protocol=SASL_SSL");
      }
      previous = item.substring(0, equals).strip();
      config.put(previous, item.substring(equals + 1).strip());
    }
    config.forEach(
        (key, value) -> {
          checkKnown("--kafkaProperties", key);
          boolean reference =
              String.valueOf(value).matches("\\$\\{[^}]+}"); // resolved by the client
          if (isSecret(key) && !reference) {
            throw new IllegalArgumentException(
                "--kafkaProperties: "
                    + key
                    + " is a secret, and options are printed and shipped with the"
                    + " job: put it in the file of --kafkaPropertiesFile");
          }
          if (!reference) {
            checkValue("--kafkaProperties", key, value);
          }
        });
    return config;
  }

  /**
   * The properties in the file {@code path} names (none for null), checked like the inline ones.
   */
  public static Map<String, Object> fromFile(String path) {
    if (path == null || path.isBlank()) {
      return Map.of();
    }
    String option = "--kafkaPropertiesFile=" + path;
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + " cannot be read as a properties file: " + e.getMessage());
    }
    Map<String, Object> config = new LinkedHashMap<>();
    properties
        .stringPropertyNames()
        .forEach(key -> config.put(key, properties.getProperty(key).strip()));
    config.forEach(
        (key, value) -> {
          checkKnown(option, key);
          checkValue(option, key, value);
        });
    return config;
  }

  /** Makes KafkaIO's consumers, adding the file's properties on the machine that makes each one. */
  public static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumers(
      String propertiesFile) {
    return config -> new KafkaConsumer<>(withFile(config, propertiesFile));
  }

  /** Makes KafkaIO's producers, adding the file's properties on the machine that makes each one. */
  public static <K, V> SerializableFunction<Map<String, Object>, Producer<K, V>> producers(
      String propertiesFile) {
    return config -> new KafkaProducer<>(withFile(config, propertiesFile));
  }

  /** A client's config with the file's properties on top. */
  public static Map<String, Object> withFile(Map<String, Object> config, String propertiesFile) {
    Map<String, Object> all = new HashMap<>(config);
    all.putAll(fromFile(propertiesFile));
    return all;
  }

  private static void checkKnown(String option, String key) {
    boolean known =
        key.equals("config.providers") // Kafka's config providers: every client reads them
            || key.startsWith("config.providers.")
            || CLIENT_CONFIGS.stream().anyMatch(c -> c.configKeys().containsKey(key));
    if (!known) {
      throw new IllegalArgumentException(option + ": " + key + " is not a Kafka client property");
    }
  }

  private static boolean isSecret(String key) {
    return CLIENT_CONFIGS.stream()
        .map(c -> c.configKeys().get(key))
        .anyMatch(k -> k != null && k.type == ConfigDef.Type.PASSWORD);
  }

  /** Checks the value as Kafka will; the message shows no value of a secret. */
  private static void checkValue(String option, String key, Object value) {
    for (ConfigDef config : CLIENT_CONFIGS) {
      ConfigDef.ConfigKey definition = config.configKeys().get(key);
      if (definition == null) {
        continue;
      }
      try {
        Object parsed = ConfigDef.parseType(key, value, definition.type);
        if (definition.validator != null) {
          definition.validator.ensureValid(key, parsed);
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException(
            option + ": " + (isSecret(key) ? "invalid value for " + key : e.getMessage()));
      }
    }
  }
}
