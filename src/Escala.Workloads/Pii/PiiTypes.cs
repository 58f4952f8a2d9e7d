namespace Escala.Workloads.Pii;

/// <summary>The entity types the detector reports, as they appear in responses, redaction policies and corpora.</summary>
public static class PiiTypes
{
#pragma warning disable CS1591 // each constant is its own documentation
    public const string Cpf = "cpf";
    public const string Cnpj = "cnpj";
    public const string Cns = "cns";
    public const string Pis = "pis";
    public const string TituloEleitor = "titulo_eleitor";
    public const string Renavam = "renavam";
    public const string Cnh = "cnh";
    public const string Rg = "rg";
    public const string Cep = "cep";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string CreditCard = "credit_card";
    public const string IpAddress = "ip_address";
    public const string VehiclePlate = "vehicle_plate";
    public const string PixKey = "pix_key";
    public const string BirthDate = "birth_date";
    public const string BankAgency = "bank_agency";
    public const string BankAccount = "bank_account";
#pragma warning restore CS1591

    /// <summary>Every type, in a stable order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Cpf, Cnpj, Cns, Pis, TituloEleitor, Renavam, Cnh, Rg, Cep, Phone, Email, CreditCard, IpAddress, VehiclePlate,
        PixKey, BirthDate, BankAgency, BankAccount,
    ];

    /// <summary>The types whose every reported match has passed a check-digit rule (RG: only the SP form is checked).</summary>
    public static readonly IReadOnlySet<string> CheckDigitTypes =
        new HashSet<string>(StringComparer.Ordinal) { Cpf, Cnpj, Cns, Pis, TituloEleitor, Renavam, Cnh, CreditCard };

    /// <summary>Whether <paramref name="type"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
