namespace Escala.Configuration;

/// <summary>An options class with rules across its keys, beyond each key's own bounds.</summary>
public interface IValidatableOptions
{
    /// <summary>One message per broken rule, each starting with the key at fault (under <paramref name="path"/>, e.g. <c>execution</c>).</summary>
    IEnumerable<string> Validate(string path);
}
