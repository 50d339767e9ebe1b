package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.core.Cluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.cassandra.CassandraIO;
import org.apache.beam.sdk.options.ValueProvider;

/**
 * Who the project's Cassandra clients log in as: {@code --cassandraUsername}, with the password in
 * the file of {@code --cassandraPasswordFile}. The file is read where each client is made — by the
 * driver's {@link Cluster.Builder} here, by CassandraIO on the workers — so the password is in no
 * option (Beam prints options and ships them with the job), no transform and no log.
 */
public final class CassandraLogin implements Serializable {
  /** No login: a node without authentication, like the project's own. */
  public static final CassandraLogin NONE = new CassandraLogin(null, null);

  private final String username;
  private final String passwordFile;

  private CassandraLogin(String username, String passwordFile) {
    this.username = username;
    this.passwordFile = passwordFile;
  }

  /** The login the options ask for; fails fast, with what to fix, when it cannot work. */
  public static CassandraLogin of(CassandraOptions options) {
    String username = blankToNull(options.getCassandraUsername());
    String passwordFile = blankToNull(options.getCassandraPasswordFile());
    if ((username == null) != (passwordFile == null)) {
      throw new IllegalArgumentException(
          "--cassandraUsername and --cassandraPasswordFile go together: give both to log in, or neither");
    }
    CassandraLogin login = new CassandraLogin(username, passwordFile);
    if (passwordFile != null) {
      login.password(); // readable and not empty, now rather than on a worker
    }
    return login;
  }

  /** The builder, logging in if asked to. */
  public Cluster.Builder onto(Cluster.Builder cluster) {
    return username == null ? cluster : cluster.withCredentials(username, password());
  }

  /** The read, logging in if asked to; the password is read when CassandraIO connects. */
  <T> CassandraIO.Read<T> onto(CassandraIO.Read<T> read) {
    return username == null
        ? read
        : read.withUsername(username).withPassword(new PasswordFile(passwordFile));
  }

  /** The write, logging in if asked to; the password is read when CassandraIO connects. */
  <T> CassandraIO.Write<T> onto(CassandraIO.Write<T> write) {
    return username == null
        ? write
        : write.withUsername(username).withPassword(new PasswordFile(passwordFile));
  }

  /** The first line of the password file. */
  private String password() {
    return readPassword(passwordFile);
  }

  private static String readPassword(String file) {
    return firstLine(file, "--cassandraPasswordFile");
  }

  /**
   * The first line of the secret file that {@code option} names; fails, saying so, if there is
   * none.
   */
  static String firstLine(String file, String option) {
    option = option + "=" + file;
    try (BufferedReader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      String password = in.readLine();
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(
            option + " is empty: its first line must be the password");
      }
      return password;
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " cannot be read: " + e.getMessage());
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return username == null ? "no login" : username + " (password in " + passwordFile + ")";
  }

  /** The password as CassandraIO takes it, read from the file only when CassandraIO asks for it. */
  private static final class PasswordFile implements ValueProvider<String> {
    private final String file;

    PasswordFile(String file) {
      this.file = file;
    }

    @Override
    public String get() {
      return readPassword(file);
    }

    @Override
    public boolean isAccessible() {
      return true;
    }

    @Override
    public String toString() {
      return "password in " + file;
    }
  }
}
