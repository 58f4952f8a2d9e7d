using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Escala.Configuration.Binding;

/// <summary>
/// Checks every key of a bound options tree against its attributes (<see cref="RangeAttribute"/>,
/// <see cref="PositiveAttribute"/>, <see cref="AllowedValuesAttribute"/>) and every
/// <see cref="IValidatableOptions"/> rule; each message starts with the key as users write it.
/// </summary>
internal static class OptionsValidator
{
    public static void Validate(object options, string path, List<string> errors)
    {
        foreach (var property in OptionKeys.Of(options.GetType()))
        {
            var key = OptionKeys.Join(path, OptionKeys.Name(property));
            var value = property.GetValue(options);
            if (value is null)
            {
                continue;
            }

            if (Check(property.GetCustomAttributes(inherit: true), value) is { } problem)
            {
                errors.Add($"{key}: {problem}");
            }

            if (OptionKeys.DictionaryValue(property.PropertyType) is { } entryType && OptionKeys.IsSection(entryType))
            {
                foreach (System.Collections.DictionaryEntry entry in (System.Collections.IDictionary)value)
                {
                    if (entry.Value is not null)
                    {
                        Validate(entry.Value, $"{key}:{entry.Key}", errors);
                    }
                }
            }
            else if (OptionKeys.IsSection(property.PropertyType))
            {
                Validate(value, key, errors);
            }
        }

        if (options is IValidatableOptions validatable)
        {
            errors.AddRange(validatable.Validate(path));
        }
    }

    private static string? Check(object[] attributes, object value)
    {
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case PositiveAttribute when value is TimeSpan duration && duration <= TimeSpan.Zero:
                    return "must be longer than zero.";
                case RangeAttribute range when !range.IsValid(value):
                    return range.MinimumIsExclusive
                        ? $"{Text(value)} must be above {Text(range.Minimum)} and at most {Text(range.Maximum)}."
                        : $"{Text(value)} is outside {Text(range.Minimum)}..{Text(range.Maximum)}.";
                case AllowedValuesAttribute allowed when !allowed.IsValid(value):
                    return $"'{value}' is not one of {string.Join(", ", allowed.Values)}.";
            }
        }

        return null;
    }

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
