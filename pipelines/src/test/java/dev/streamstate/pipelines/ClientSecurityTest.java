package dev.streamstate.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.datastax.driver.core.AuthProvider;
import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.EndPoint;
import com.datastax.driver.core.ExtendedAuthProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.io.cassandra.CassandraLogin;
import dev.streamstate.pipelines.io.cassandra.CassandraOptions;
import dev.streamstate.pipelines.io.kafka.KafkaClients;
import dev.streamstate.pipelines.io.kafka.ResultKeys;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.Sinks;
import dev.streamstate.pipelines.runtime.Sources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.common.ReflectHelpers;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kafka SASL/SSL settings and the Cassandra login reach the clients, secrets are nowhere Beam
 * prints or ships (options, their help, display data, transforms), and bad settings fail fast in
 * one line saying what to fix.
 */
class ClientSecurityTest {
  private static final String JAAS_SECRET = "jaas-pw-7f3a";
  private static final String TRUSTSTORE_SECRET = "truststore-pw-91c2";
  private static final String CASSANDRA_SECRET = "cassandra-pw-5e0d";

  @TempDir Path dir;
  private Path kafkaFile;
  private Path passwordFile;

  @BeforeEach
  void secretsInFiles() throws IOException {
    kafkaFile = dir.resolve("kafka.properties");
    Files.writeString(
        kafkaFile,
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"app\" password=\""
            + JAAS_SECRET
            + "\";\n"
            + "ssl.truststore.password="
            + TRUSTSTORE_SECRET
            + "\n"
            + "ssl.truststore.location=/etc/kafka/truststore.jks\n");
    passwordFile = dir.resolve("cassandra.password");
    Files.writeString(passwordFile, CASSANDRA_SECRET + "\n");
  }

  private String[] secureArgs(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kafkaProperties=security.protocol=SASL_SSL,sasl.mechanism=PLAIN,ssl.enabled.protocols=TLSv1.2,TLSv1.3",
                "--kafkaPropertiesFile=" + kafkaFile,
                "--cassandraUsername=app",
                "--cassandraPasswordFile=" + passwordFile));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private StreamStateOptions secureOptions(String... more) {
    return PipelineOptionsFactory.fromArgs(secureArgs(more)).as(StreamStateOptions.class);
  }

  @Test
  void everyKafkaClientGetsTheInlineAndTheFilesProperties() {
    Map<String, Object> config = KafkaClients.config(secureOptions());
    assertEquals("SASL_SSL", config.get("security.protocol"));
    assertEquals("PLAIN", config.get("sasl.mechanism"));
    assertEquals(
        "TLSv1.2,TLSv1.3", config.get("ssl.enabled.protocols"), "a list value split at its commas");
    assertEquals(TRUSTSTORE_SECRET, config.get("ssl.truststore.password"));
    assertThat((String) config.get("sasl.jaas.config"), containsString(JAAS_SECRET));

    // KafkaIO's consumers and producers: the file is added where each client is made.
    Map<String, Object> consumer =
        KafkaClients.withFile(
            Map.of("group.id", "g", "security.protocol", "SASL_SSL"), kafkaFile.toString());
    assertEquals("g", consumer.get("group.id"));
    assertEquals(TRUSTSTORE_SECRET, consumer.get("ssl.truststore.password"));
    assertEquals(Map.of("group.id", "g"), KafkaClients.withFile(Map.of("group.id", "g"), null));
  }

  @Test
  void aSecretMayBeAConfigProviderReferenceInline() {
    Map<String, Object> config =
        KafkaClients.inline(
            List.of(
                "config.providers=file",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "sasl.jaas.config=${file:/etc/kafka/secrets.properties:jaas}"));
    assertEquals("${file:/etc/kafka/secrets.properties:jaas}", config.get("sasl.jaas.config"));
  }

  @Test
  void everyCassandraClientLogsInWithThePasswordFromTheFile() throws Exception {
    CassandraLogin login = CassandraLogin.of(secureOptions());
    AuthProvider auth =
        login
            .onto(Cluster.builder().addContactPoint("127.0.0.1"))
            .getConfiguration()
            .getProtocolOptions()
            .getAuthProvider();
    // SASL PLAIN's first message: NUL user NUL password, the password being the file's first line.
    EndPoint node = () -> new InetSocketAddress("127.0.0.1", 9042);
    byte[] response =
        ((ExtendedAuthProvider) auth)
            .newAuthenticator(node, "PasswordAuthenticator")
            .initialResponse();
    assertEquals("\0app\0" + CASSANDRA_SECRET, new String(response, StandardCharsets.UTF_8));
    assertEquals(
        AuthProvider.NONE,
        CassandraLogin.NONE
            .onto(Cluster.builder().addContactPoint("127.0.0.1"))
            .getConfiguration()
            .getProtocolOptions()
            .getAuthProvider());
    assertEquals("app (password in " + passwordFile + ")", login.toString());
  }

  @Test
  void noSecretIsInTheOptionsTheirHelpOrTheJobsTransforms() throws Exception {
    StreamStateOptions options =
        secureOptions("--source=kafka", "--topic=in", "--sink=kafka", "--outputTopic=out");
    List<String> shown = new ArrayList<>();
    shown.add(options.toString());
    shown.add(DisplayData.from(options).toString());
    shown.add(
        new ObjectMapper()
            .registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()))
            .writeValueAsString(options)); // what Beam ships to every worker
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    StreamState.run(new String[] {"fraud", "--help"}, new PrintStream(help, true), System.err);
    shown.add(help.toString(StandardCharsets.UTF_8));

    // The job's Kafka read and write and Cassandra write, as built for a run.
    Pipeline pipeline = Pipeline.create(options);
    PCollection<String> payloads =
        Sources.KAFKA.read(pipeline, options, Sources.Stream.main(options), null).get(Outputs.MAIN);
    Sinks.KAFKA.write(payloads, options, true, ResultKeys.NONE);
    Sinks.CASSANDRA.write(pipeline.apply("Lines", Create.of("x")), options, false, ResultKeys.NONE);
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            see(node);
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            see(node);
          }

          private void see(TransformHierarchy.Node node) {
            if (node.getTransform() != null) {
              shown.add(node.getTransform().toString());
              shown.add(DisplayData.from(node.getTransform()).toString());
            }
          }
        });

    assertThat(String.join("\n", shown), containsString("SASL_SSL")); // the settings are there…
    for (String secret : List.of(JAAS_SECRET, TRUSTSTORE_SECRET, CASSANDRA_SECRET)) {
      for (String text : shown) {
        assertThat(text, not(containsString(secret))); // …their secrets are not
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--kafkaProperties=security.protocol|--kafkaProperties: 'security.protocol' is not key=value, e.g. security.protocol=SASL_SSL",
        "--kafkaProperties==SSL|--kafkaProperties: '=SSL' is not key=value, e.g. security.protocol=SASL_SSL",
        "--kafkaProperties=securty.protocol=SSL|--kafkaProperties: securty.protocol is not a Kafka client property",
        "--kafkaProperties=security.protocol=SASL_SLL|--kafkaProperties: Invalid value SASL_SLL for configuration security.protocol: String must be one of (case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT",
        "--kafkaProperties=ssl.truststore.password=hunter2|--kafkaProperties: ssl.truststore.password is a secret, and options are printed and shipped with the job: put it in the file of --kafkaPropertiesFile",
        "--kafkaPropertiesFile=/no/such/kafka.properties|--kafkaPropertiesFile=/no/such/kafka.properties cannot be read as a properties file: /no/such/kafka.properties",
        "--cassandraUsername=app|--cassandraUsername and --cassandraPasswordFile go together: give both to log in, or neither",
        "--cassandraPasswordFile=/no/such/password|--cassandraUsername and --cassandraPasswordFile go together: give both to log in, or neither",
      })
  void aBadSettingFailsFastInOneLine(String option, String message) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StreamState.run(
            new String[] {"word-count", option}, System.out, new PrintStream(err, true));
    assertEquals(2, exit);
    assertEquals("streamstate word-count: " + message + "\n", err.toString(StandardCharsets.UTF_8));
    assertThat(message, not(containsString("hunter2")));
  }

  @Test
  void aBadPasswordFileOrABadSecretInTheFileSaysWhatToFixWithoutTheSecret() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.password"), "");
    assertEquals(
        "--cassandraPasswordFile=" + empty + " is empty: its first line must be the password",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    CassandraLogin.of(
                        PipelineOptionsFactory.fromArgs(
                                "--cassandraUsername=app", "--cassandraPasswordFile=" + empty)
                            .as(CassandraOptions.class)))
            .getMessage());
    Path typo =
        Files.writeString(dir.resolve("typo.properties"), "ssl.truststore.pasword=hunter2\n");
    assertEquals(
        "--kafkaPropertiesFile=" + typo + ": ssl.truststore.pasword is not a Kafka client property",
        assertThrows(IllegalArgumentException.class, () -> KafkaClients.fromFile(typo.toString()))
            .getMessage());
  }
}
