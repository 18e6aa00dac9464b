package io.failoverlab.stack.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Accepts yes/no as well as true/false, as redis.conf spells it. */
public final class YesNo implements CommandLine.ITypeConverter<Boolean> {

  @Override
  public Boolean convert(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "yes", "true" -> true;
      case "no", "false" -> false;
      default -> throw new CommandLine.TypeConversionException("expected yes or no, got '" + value + "'");
    };
  }
}
