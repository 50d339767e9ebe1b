package dev.streamstate.pipelines.io.kafka;

import java.util.List;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Settings for every Kafka client the project makes (consumers, producers, admin clients), e.g.
 * SASL/SSL. Secrets never go in an option: Beam prints options and ships them with the job; they go
 * in the file of {@code --kafkaPropertiesFile}, which is read where each client is made.
 */
public interface KafkaClientOptions extends PipelineOptions {
  @Description(
      "Kafka client properties for every consumer, producer and admin client, key=value, comma-separated"
          + " or repeated, e.g. security.protocol=SASL_SSL,sasl.mechanism=PLAIN; no secrets here (put"
          + " them in --kafkaPropertiesFile)")
  List<String> getKafkaProperties();

  void setKafkaProperties(List<String> kafkaProperties);

  @Description(
      "Java properties file of Kafka client properties, secrets included (sasl.jaas.config,"
          + " ssl.truststore.password, …); read where each client is made, so it must be at this path"
          + " on every machine the job runs on")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String kafkaPropertiesFile);
}
