package dev.streamstate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded servers are real: Kafka round-trips records, Cassandra speaks the CQL protocol. */
@ExtendWith(RealServers.class)
class RealServersTest {

  @Test
  void kafkaKeepsWhatIsProducedForConsumers() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    kafka.createTopic("round-trip", 2);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>("round-trip", "k" + i, "v" + i)).get();
      }
    }
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of("round-trip"));
      long deadline = System.currentTimeMillis() + 30_000;
      while (values.size() < 10 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
    }
    assertEquals(10, values.size(), "records read back: " + values);
  }

  /** A CQL OPTIONS request (native protocol v4) must get a SUPPORTED answer. */
  @Test
  void cassandraAnswersTheNativeProtocol() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    try (Socket socket = new Socket(cassandra.host(), cassandra.port())) {
      socket.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeByte(0x04); // version 4, request
      out.writeByte(0); // flags
      out.writeShort(1); // stream id
      out.writeByte(0x05); // OPTIONS
      out.writeInt(0); // no body
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertEquals(0x84, in.readUnsignedByte(), "a v4 response");
      in.readUnsignedByte();
      assertEquals(1, in.readShort());
      assertEquals(0x06, in.readUnsignedByte(), "SUPPORTED");
      assertTrue(in.readInt() > 0);
    }
  }

  @Test
  void serversRunInTheirOwnProcesses() {
    long self = ProcessHandle.current().pid();
    assertTrue(RealServers.kafka().process().isAlive());
    assertTrue(RealServers.cassandra().process().isAlive());
    assertEquals(
        self,
        ProcessHandle.of(RealServers.kafka().process().pid())
            .orElseThrow()
            .parent()
            .orElseThrow()
            .pid());
  }

  /**
   * Every port the servers listen on (broker, controller, CQL, storage, and JMX or anything else
   * they might open) is on 127.0.0.1: read from the kernel's socket tables for the servers' own
   * processes, so a listener nobody configured is caught too.
   */
  @Test
  void serversListenOnLoopbackOnly() throws IOException {
    Map<String, Long> servers =
        Map.of(
            "kafka",
            RealServers.kafka().process().pid(),
            "cassandra",
            RealServers.cassandra().process().pid());
    for (Map.Entry<String, Long> server : servers.entrySet()) {
      List<String> listening = listeningAddresses(server.getValue());
      assertFalse(listening.isEmpty(), server.getKey() + " listens somewhere");
      for (String address : listening) {
        assertTrue(
            address.equals(LOOPBACK_V4)
                || address.equals(LOOPBACK_V4_IN_V6)
                || address.equals(LOOPBACK_V6),
            server.getKey()
                + " listens on "
                + address
                + " (hex, as /proc/net/tcp shows it), not on 127.0.0.1 only");
      }
    }
  }

  private static final String LOOPBACK_V4 = "0100007F";
  private static final String LOOPBACK_V4_IN_V6 = "0000000000000000FFFF00000100007F";
  private static final String LOOPBACK_V6 = "00000000000000000000000001000000";

  /** The local addresses of the process's listening TCP sockets, as hex from /proc/net/tcp{,6}. */
  private static List<String> listeningAddresses(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while we looked: not a listener
        }
      }
    }
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> rows = Files.readAllLines(Path.of(table));
      for (String row : rows.subList(1, rows.size())) { // after the header
        String[] columns = row.trim().split("\\s+");
        boolean listen = columns[3].equals("0A");
        if (listen && inodes.contains(columns[9])) {
          addresses.add(columns[1].substring(0, columns[1].indexOf(':')));
        }
      }
    }
    return addresses;
  }
}
