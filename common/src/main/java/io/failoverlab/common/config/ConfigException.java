package io.failoverlab.common.config;

/** A configuration value that cannot be used. The message always names the variable. */
public final class ConfigException extends RuntimeException {

  private final String variable;

  public ConfigException(String variable, String problem) {
    super(variable + ": " + problem);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
