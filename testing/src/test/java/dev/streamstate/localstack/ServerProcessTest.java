package dev.streamstate.localstack;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        "the kafka server's jars are not on this machine (1 missing, e.g. " + gone + "): the local servers run from"
            + " the Maven repository of the machine that built this jar; here, run them from a checkout:"
            + " ./streamstate local-stack",
        message);
  }

  @Test
  void theClasspathsTheBuildKeptAreComplete() {
    for (String server : new String[] {"kafka", "cassandra", "spark"}) {
      assertDoesNotThrow(() -> ServerProcess.classpath(server), server);
    }
  }
}
