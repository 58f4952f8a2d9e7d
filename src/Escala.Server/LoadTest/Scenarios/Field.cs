using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// One field of a parsed scenario with its path (<c>operations[2].latency.p95</c>): typed reads that record an
/// error naming the path instead of throwing, so a file with several mistakes reports them all at once.
/// </summary>
internal sealed class Field
{
    private readonly List<string> _errors;

    public Field(YamlNode? node, string path, List<string> errors)
    {
        Node = node;
        Path = path;
        _errors = errors;
    }

    public YamlNode? Node { get; }

    public string Path { get; }

    public bool Exists => Node is not null && !(Node is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain });

    public bool IsMapping => Node is YamlMappingNode;

    public Field this[string key] => new(
        Node is YamlMappingNode map ? map.Children.FirstOrDefault(p => p.Key is YamlScalarNode k && k.Value == key).Value : null,
        Path.Length == 0 ? key : $"{Path}.{key}", _errors);

    public void Error(string message) => _errors.Add($"{(Path.Length == 0 ? "(top level)" : Path)}: {message}");

    /// <summary>Records every key of this mapping that is not in <paramref name="known"/>, suggesting the nearest known one.</summary>
    public bool Mapping(params string[] known)
    {
        if (Node is not YamlMappingNode map)
        {
            if (Exists)
            {
                Error("must be a mapping of fields");
            }

            return false;
        }

        foreach (var key in map.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? ""))
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                var near = known.MinBy(k => Distance(k, key));
                new Field(null, Path.Length == 0 ? key : $"{Path}.{key}", _errors)
                    .Error($"unknown field{(near is not null && Distance(near, key) <= 3 ? $"; did you mean '{near}'?" : $"; expected one of {string.Join(", ", known)}")}");
            }
        }

        return true;
    }

    public IEnumerable<(string Key, Field Value)> Entries() =>
        Node is YamlMappingNode map
            ? map.Children.Select(p => (((YamlScalarNode)p.Key).Value ?? "", new Field(p.Value, $"{Path}.{((YamlScalarNode)p.Key).Value}", _errors)))
            : [];

    public IEnumerable<Field> Items()
    {
        if (Node is YamlSequenceNode list)
        {
            return list.Children.Select((n, i) => new Field(n, $"{Path}[{i}]", _errors));
        }

        if (Exists)
        {
            Error("must be a list");
        }

        return [];
    }

    public string? Text(bool required = false)
    {
        if (!Exists)
        {
            if (required)
            {
                Error("is required");
            }

            return null;
        }

        if (Node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Error("must be a single value");
        return null;
    }

    public double? Number(double min, double max, bool required = false)
    {
        var text = Text(required);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error($"'{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    public int? Whole(int min, int max, bool required = false)
    {
        var text = Text(required);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error($"'{text}' is not a whole number from {min} to {max}");
        return null;
    }

    public bool? Flag()
    {
        var text = Text();
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error($"'{text}' is not true or false");
        return null;
    }

    public TimeSpan? Duration(bool required = false)
    {
        var text = Text(required);
        if (text is null)
        {
            return null;
        }

        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        Error($"'{text}' is not a duration such as 500ms, 10s or 2m");
        return null;
    }

    /// <summary>A rate per second: <c>250/s</c>, <c>15000/min</c>, <c>60/h</c>, or a bare number (per second).</summary>
    public double? Rate(bool required = false)
    {
        var text = Text(required);
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        var per = parts.Length == 1 ? 1 : parts[1] switch { "s" or "sec" => 1, "min" or "m" => 60, "h" => 3600, _ => 0 };
        if (per > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return count / per;
        }

        Error($"'{text}' is not a rate such as 250/s, 1000/min or 60/h");
        return null;
    }

    /// <summary>A range <c>5s..15s</c>, a mapping <c>{min, max}</c>, or one duration for both ends.</summary>
    public Span? Range()
    {
        if (!Exists)
        {
            return null;
        }

        if (Node is YamlMappingNode)
        {
            Mapping("min", "max");
            return Ordered(this["min"].Duration(required: true), this["max"].Duration(required: true));
        }

        var text = Text()!;
        var ends = text.Split("..", 2, StringSplitOptions.TrimEntries);
        if (ends.Length == 2)
        {
            return Ordered(new Field(new YamlScalarNode(ends[0]), Path, _errors).Duration(), new Field(new YamlScalarNode(ends[1]), Path, _errors).Duration());
        }

        return Duration() is { } one ? new Span(one, one) : null;
    }

    public IReadOnlyList<string> Strings()
    {
        if (Node is YamlScalarNode { Value: { Length: > 0 } one })
        {
            return [one];
        }

        return [.. Items().Select(i => i.Text()).OfType<string>()];
    }

    /// <summary>The value as JSON (job arguments): scalars that read as numbers or booleans become those.</summary>
    public JsonNode? ToJson() => ToJson(Node);

    /// <summary>Flattens a mapping to configuration keys (<c>queues:llm:concurrency</c>), as <c>escala.json</c> would bind.</summary>
    public Dictionary<string, string?> Flatten()
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(Node, "", keys);
        return keys;
    }

    private Span? Ordered(TimeSpan? min, TimeSpan? max)
    {
        if (min is null || max is null)
        {
            return null;
        }

        if (min > max)
        {
            Error("the minimum is above the maximum");
            return null;
        }

        return new Span(min.Value, max.Value);
    }

    private static void Flatten(YamlNode? node, string prefix, Dictionary<string, string?> keys)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    Flatten(value, prefix.Length == 0 ? ((YamlScalarNode)key).Value! : $"{prefix}:{((YamlScalarNode)key).Value}", keys);
                }

                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    Flatten(list.Children[i], $"{prefix}:{i}", keys);
                }

                break;
            case YamlScalarNode scalar:
                keys[prefix] = scalar.Value;
                break;
        }
    }

    private static JsonNode? ToJson(YamlNode? node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when s.Value is null or "null" or "~" => null,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
