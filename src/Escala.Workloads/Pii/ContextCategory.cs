namespace Escala.Workloads.Pii;

/// <summary>What a label word near a candidate says the candidate is.</summary>
internal enum ContextCategory
{
    None = 0,
    Cpf,
    Cnpj,
    Cns,
    Pis,
    Titulo,
    Renavam,
    Cnh,
    Rg,
    Cep,
    Phone,
    Card,
    Plate,
    Pix,
    Agency,
    Account,
    Bank,
    Email,
    Ip,
    Birth,

    /// <summary>A date of another event (admission, issue, expiry…): a date near it is not a birth date.</summary>
    OtherDate,

    /// <summary>An order, protocol, process or invoice number: the digits near it are not personal data.</summary>
    Reference,
}
