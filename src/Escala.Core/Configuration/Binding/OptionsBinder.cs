using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Escala.Configuration.Binding;

/// <summary>
/// Binds configuration onto an options class tree (<see cref="EscalaOptions"/>), collecting one message per bad
/// key instead of stopping at the first: a value that does not read as its type, a value where a section is
/// expected (or the reverse), and a key the tree does not have, with the nearest valid key.
/// </summary>
/// <param name="sourceOf">Where a configuration path was set (<c>in /etc/escala.json</c>), for unknown keys; null when unknown.</param>
internal sealed class OptionsBinder(Func<string, string?> sourceOf)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Binds every child of <paramref name="configuration"/> onto <paramref name="target"/>'s keys.</summary>
    public void BindSection(object target, IConfiguration configuration, string path)
    {
        var type = target.GetType();
        foreach (var child in configuration.GetChildren())
        {
            var property = OptionKeys.Find(type, child.Key);
            if (property is null)
            {
                Unknown(type, path, child);
                continue;
            }

            if (TryBind(property.PropertyType, property.GetValue(target), child, OptionKeys.Join(path, OptionKeys.Name(property)), out var value))
            {
                property.SetValue(target, value);
            }
        }
    }

    private bool TryBind(Type type, object? current, IConfigurationSection section, string path, out object? value)
    {
        value = current;
        var hasChildren = section.GetChildren().Any();
        if (typeof(IValueForm).IsAssignableFrom(type) && !hasChildren && section.Value is { Length: > 0 } text)
        {
            var form = (IValueForm)Activator.CreateInstance(type)!;
            value = form;
            return form.TryRead(text, out var problem) || Fail(path, $"'{text}' {problem}");
        }

        if (ValueReader.Reads(type))
        {
            return hasChildren ? Fail(path, "takes a value, not a section") : TryRead(type, section.Value, path, out value);
        }

        if (section.Value is { Length: > 0 } && !hasChildren)
        {
            return Fail(path, type.IsArray ? "takes a list such as [\"a\", \"b\"], not a value" : "is a section, not a value");
        }

        if (OptionKeys.DictionaryValue(type) is { } entryType)
        {
            var entries = (IDictionary)(current ?? Activator.CreateInstance(type)!);
            foreach (var child in section.GetChildren())
            {
                if (TryBind(entryType, entries.Contains(child.Key) ? entries[child.Key] : null, child, $"{path}:{child.Key}", out var entry))
                {
                    entries[child.Key] = entry;
                }
            }

            value = entries;
            return true;
        }

        if (type.IsArray)
        {
            return TryBindArray(type.GetElementType()!, section, path, out value);
        }

        value = current ?? Activator.CreateInstance(type)!;
        BindSection(value, section, path);
        return true;
    }

    private bool TryBindArray(Type elementType, IConfigurationSection section, string path, out object? value)
    {
        var items = new SortedDictionary<int, object?>();
        foreach (var child in section.GetChildren())
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                _errors.Add($"{path}:{child.Key}: unknown key{Where(child.Path)}; {path} is a list.");
            }
            else if (TryBind(elementType, null, child, $"{path}:{index}", out var item))
            {
                items[index] = item;
            }
        }

        var array = Array.CreateInstance(elementType, items.Count);
        var i = 0;
        foreach (var item in items.Values)
        {
            array.SetValue(item, i++);
        }

        value = array;
        return true;
    }

    private bool TryRead(Type type, string? text, string path, out object? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text) && (Nullable.GetUnderlyingType(type) is not null || type == typeof(string)))
        {
            return true; // unset
        }

        if (ValueReader.TryRead(type, text ?? "", out value, out var problem))
        {
            return true;
        }

        return Fail(path, $"'{text}' {problem}");
    }

    private bool Fail(string path, string problem)
    {
        _errors.Add($"{path}: {problem}.");
        return false;
    }

    private void Unknown(Type type, string path, IConfigurationSection child)
    {
        var key = OptionKeys.Join(path, child.Key);
        var nearest = Nearest.Keys(child.Key, type);
        _errors.Add(nearest.Count > 0
            ? $"{key}: unknown key{Where(child.Path)}; did you mean {string.Join(" or ", nearest.Select(k => $"'{k}'"))}?"
            : $"{key}: unknown key{Where(child.Path)}; the keys here are {string.Join(", ", OptionKeys.Of(type).Select(OptionKeys.Name))}.");
    }

    private string Where(string configurationPath) => sourceOf(configurationPath) is { } source ? " " + source : "";
}
