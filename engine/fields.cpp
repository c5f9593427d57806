// Text conversion, range checks and a flat JSON reader/writer for Field lists.
#include "fields.hpp"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace ps {

namespace {
// The shortest of %.9g .. %.17g that reads back as the same double: configs stored in
// checkpoints must give a resumed run the very same numbers (9 digits alone lose some).
std::string fmt_num(double v) {
    char buf[64];
    for (int prec = 9; prec <= 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (std::strtod(buf, nullptr) == v || !std::isfinite(v)) break;
    }
    return buf;
}
// Values and keys come from files and command lines: keep error messages on one printable line.
std::string printable(const std::string& s) { return message_text(s, 120); }
std::string range_str(const Field& f) {
    if (f.type == Field::Type::Choice) {
        std::string s;
        for (size_t i = 0; i < f.choices.size(); ++i) s += (i ? "|" : "") + f.choices[i];
        return s;
    }
    if (f.type == Field::Type::Bool) return "true|false";
    const std::string r = "[" + fmt_num(f.lo) + ", " + fmt_num(f.hi) + "]";
    return f.type == Field::Type::Int && f.step > 1 ? r + " in steps of " + std::to_string(f.step) : r;
}
}  // namespace

std::string field_get(const Field& f) {
    switch (f.type) {
        case Field::Type::Int: return std::to_string(*static_cast<int*>(f.ptr));
        case Field::Type::Float: return fmt_num(*static_cast<double*>(f.ptr));
        case Field::Type::Bool: return *static_cast<bool*>(f.ptr) ? "true" : "false";
        case Field::Type::Choice: {
            const int i = *static_cast<int*>(f.ptr);
            return (i >= 0 && size_t(i) < f.choices.size()) ? f.choices[size_t(i)] : "?";
        }
    }
    return "";
}

void field_set(const Field& f, const std::string& text) {
    auto bad = [&](const std::string& why) {
        throw ConfigError("bad value for '" + f.key + "': '" + printable(text) + "' (" + why + "; expected " + range_str(f) +
                          (f.unit.empty() ? "" : " " + f.unit) + ")");
    };
    switch (f.type) {
        case Field::Type::Int: {
            errno = 0;
            char* end = nullptr;
            const long v = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end || errno) bad("not an integer");
            if (v < f.lo || v > f.hi) bad("out of range");
            if (f.step > 1 && (v - long(f.lo)) % f.step != 0) bad("not on the grid");
            *static_cast<int*>(f.ptr) = int(v);
            return;
        }
        case Field::Type::Float: {
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end || errno || !std::isfinite(v)) bad("not a finite number");
            if (v < f.lo || v > f.hi) bad("out of range");
            *static_cast<double*>(f.ptr) = v;
            return;
        }
        case Field::Type::Bool:
            if (text == "true" || text == "1" || text == "on") *static_cast<bool*>(f.ptr) = true;
            else if (text == "false" || text == "0" || text == "off") *static_cast<bool*>(f.ptr) = false;
            else bad("not a boolean");
            return;
        case Field::Type::Choice:
            for (size_t i = 0; i < f.choices.size(); ++i)
                if (f.choices[i] == text) { *static_cast<int*>(f.ptr) = int(i); return; }
            bad("unknown choice");
    }
}

void apply_overrides(const std::vector<Field>& fields, const std::vector<std::string>& kv) {
    for (const auto& item : kv) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) throw ConfigError("expected key=value, got '" + printable(item) + "'");
        const std::string key = item.substr(0, eq), val = item.substr(eq + 1);
        bool found = false;
        for (const auto& f : fields)
            if (f.key == key) { field_set(f, val); found = true; break; }
        if (!found) {
            std::string known;
            for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f.key;
            throw ConfigError("unknown key '" + printable(key) + "' (known: " + known + ")");
        }
    }
}

std::map<std::string, std::string> fields_to_map(const std::vector<Field>& fields) {
    std::map<std::string, std::string> m;
    for (const auto& f : fields) m[f.key] = field_get(f);
    return m;
}

std::string json_escape(const std::string& s) {
    std::string r;
    for (char c : s) {
        if (c == '"' || c == '\\') { r += '\\'; r += c; }
        else if (c == '\n') r += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); r += b; }
        else r += c;
    }
    return r;
}

std::string fields_to_json(const std::vector<Field>& fields, const std::string& preset) {
    std::ostringstream o;
    o << "{\n";
    if (!preset.empty()) o << "  \"preset\": \"" << json_escape(preset) << "\"" << (fields.empty() ? "\n" : ",\n");
    for (size_t i = 0; i < fields.size(); ++i) {
        const auto& f = fields[i];
        const std::string v = field_get(f);
        const bool quote = f.type == Field::Type::Choice;
        o << "  \"" << json_escape(f.key) << "\": " << (quote ? "\"" + json_escape(v) + "\"" : v)
          << (i + 1 < fields.size() ? ",\n" : "\n");
    }
    o << "}\n";
    return o.str();
}

// A strict reader for one flat object of string / number / boolean values. Strings are one-line
// text: control characters, raw or escaped, are refused.
std::map<std::string, std::string> parse_flat_json(const std::string& s) {
    size_t i = 0;
    auto fail = [&](const std::string& why) -> void {
        throw ConfigError("JSON: " + why + " at byte " + std::to_string(i));
    };
    auto ws = [&] { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i; };
    auto str = [&]() -> std::string {
        if (i >= s.size() || s[i] != '"') fail("expected a string");
        ++i;
        std::string r;
        while (true) {
            if (i >= s.size()) fail("unterminated string");
            char c = s[i++];
            if (c == '"') break;
            if (c == '\\') {
                if (i >= s.size()) fail("bad escape");
                char e = s[i++];
                switch (e) {
                    case '"': case '\\': case '/': r += e; break;
                    // Keys, presets and values are one-line text: no control characters, which
                    // would also end up inside error messages.
                    case 'n': case 't': case 'r': case 'b': case 'f': fail("escaped control character in a string"); break;
                    case 'u': {
                        if (i + 4 > s.size() || !std::all_of(s.begin() + long(i), s.begin() + long(i) + 4,
                                                        [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; }))
                            fail("bad \\u escape (4 hex digits expected)");
                        const unsigned v = unsigned(std::strtoul(s.substr(i, 4).c_str(), nullptr, 16));
                        i += 4;
                        // Control characters (NUL would cut the value short for strtod) and
                        // non-ASCII have no place in a key or a field's value.
                        if (v < 0x20 || v >= 0x80) fail("\\u escape of a control or non-ASCII character");
                        r += char(v);
                        break;
                    }
                    default: fail("bad escape");
                }
            } else if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            else r += c;
        }
        return r;
    };
    std::map<std::string, std::string> out;
    ws();
    if (i >= s.size() || s[i] != '{') fail("expected '{'");
    ++i; ws();
    if (i < s.size() && s[i] == '}') { ++i; ws(); if (i != s.size()) fail("trailing data"); return out; }
    while (true) {
        ws();
        const std::string key = str();
        ws();
        if (i >= s.size() || s[i] != ':') fail("expected ':'");
        ++i; ws();
        if (i >= s.size()) fail("expected a value");
        std::string val;
        if (s[i] == '"') val = str();
        else {
            const size_t b = i;
            while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-' || s[i] == '+')) ++i;
            val = s.substr(b, i - b);
            if (val.empty()) fail("expected a string, number or boolean (nested values are not allowed)");
        }
        if (out.count(key)) fail("duplicate key '" + printable(key) + "'");
        out[key] = val;
        ws();
        if (i < s.size() && s[i] == ',') { ++i; continue; }
        if (i < s.size() && s[i] == '}') { ++i; break; }
        fail("expected ',' or '}'");
    }
    ws();
    if (i != s.size()) fail("trailing data");
    return out;
}

std::string message_text(const std::string& s, size_t max_chars) {
    std::string r;
    for (const unsigned char c : s.substr(0, max_chars)) {
        if (c >= 0x20 && c != 0x7f) r += char(c);
        else { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); r += b; }
    }
    return s.size() > max_chars ? r + "..." : r;
}

}  // namespace ps
