package dev.streamstate.localstack;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
  @TempDir Path dir;

  @Test
  void aServerWhoseJarsAreNotOnThisMachineIsReportedInOneLine() throws IOException {
    Path present = Files.createFile(dir.resolve("present.jar"));
    Path gone = dir.resolve("home/builder/.m2/repository/kafka_2.13-3.9.1.jar");
    assertDoesNotThrow(() -> ServerProcess.checkPresent("kafka", present.toString()));
    String message =
        assertThrows(
                IllegalStateException.class,
                () -> ServerProcess.checkPresent("kafka", present + File.pathSeparator + gone))
            .getMessage();
    assertEquals(
        "the kafka server's jars are not on this machine (1 missing, e.g. "
            + gone
            + "): the local servers run from"
            + " the Maven repository of the machine that built this jar; here, run them from a checkout:"
            + " ./streamstate local-stack",
        message);
  }

  @Test
  void freePortsAreBelowTheOnesOutgoingConnectionsTakeAndNeverGivenTwice() throws IOException {
    Set<Integer> given = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = ServerProcess.freePort();
      assertTrue(
          port >= ServerProcess.FIRST_PORT && port <= ServerProcess.LAST_PORT,
          port + " is out of range");
      assertTrue(given.add(port), port + " given twice");
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, bound.getLocalPort());
      }
    }
    Path linuxRange = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.exists(linuxRange)) {
      String first = Files.readAllLines(linuxRange).get(0).trim().split("\\s+")[0];
      assertTrue(
          ServerProcess.LAST_PORT < Integer.parseInt(first),
          "this machine hands out ports from " + first + " to outgoing connections");
    }
  }

  @Test
  void theClasspathsTheBuildKeptAreComplete() {
    for (String server : new String[] {"kafka", "cassandra", "spark"}) {
      assertDoesNotThrow(() -> ServerProcess.classpath(server), server);
    }
  }
}
