import EPrescription
import Foundation

extension EPrescriptionSimulator {
    /// A problem with a received prescription: the JSON field and the message.
    struct Problem: Hashable {
        var field: String
        var message: String
    }

    /// The checks a received prescription gets: code format and kind, required fields, date
    /// formats, sex code 1–3, diagnoses and drugs, a guardian under 72 months.
    static func check(_ p: [String: Any], now: Date) -> [Problem] {
        var problems: [Problem] = []
        func text(_ object: [String: Any], _ key: String, _ path: String) -> String? {
            guard let value = object[key] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                problems.append(Problem(field: path, message: "Thiếu thông tin bắt buộc"))
                return nil
            }
            return value
        }
        if let code = text(p, "ma_don_thuoc", "ma_don_thuoc") {
            let characters = Array(code)
            let known = PrescriptionKind.known.map(\.code)
            if characters.count != 14 || characters[12] != "-" || !characters[..<12].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
                || !known.contains(String(characters[13]))
            {
                problems.append(Problem(field: "ma_don_thuoc", message: "Mã đơn thuốc phải gồm 14 ký tự, kết thúc bằng -c, -h, -n hoặc -y"))
            } else if let kind = p["loai_don_thuoc"] as? String, kind != String(characters[13]) {
                problems.append(Problem(field: "loai_don_thuoc", message: "Loại đơn thuốc không khớp với mã đơn thuốc"))
            }
        }
        let prescribed = text(p, "ngay_gio_ke_don", "ngay_gio_ke_don").flatMap { value -> Date? in
            guard let date = parse(value, "yyyy-MM-dd HH:mm:ss") else {
                problems.append(Problem(field: "ngay_gio_ke_don", message: "Định dạng phải là Y-m-d H:i:s"))
                return nil
            }
            return date
        }
        _ = text(p, "ho_ten_benh_nhan", "ho_ten_benh_nhan")
        _ = text(p, "ho_ten_bac_si", "ho_ten_bac_si")
        let birth = text(p, "ngay_sinh_benh_nhan", "ngay_sinh_benh_nhan").flatMap { value -> Date? in
            guard let date = parse(value, "yyyy-MM-dd") else {
                problems.append(Problem(field: "ngay_sinh_benh_nhan", message: "Định dạng phải là Y-m-d"))
                return nil
            }
            return date
        }
        if let sex = p["gioi_tinh"] as? NSNumber, [1, 2, 3].contains(sex.intValue), sex.doubleValue == Double(sex.intValue) {
        } else {
            problems.append(Problem(field: "gioi_tinh", message: "Giới tính phải là 1, 2 hoặc 3"))
        }
        if let birth {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
            let months = calendar.dateComponents([.month], from: birth, to: prescribed ?? now).month ?? 0
            if months < 72 {
                if let guardian = p["thong_tin_nguoi_giam_ho"] as? [String: Any] {
                    _ = text(guardian, "ho_ten", "thong_tin_nguoi_giam_ho.ho_ten")
                } else {
                    problems.append(Problem(field: "thong_tin_nguoi_giam_ho", message: "Trẻ dưới 72 tháng tuổi phải có thông tin người giám hộ"))
                }
            }
        }
        if let diagnoses = p["chan_doan"] as? [[String: Any]], !diagnoses.isEmpty {
            for (index, diagnosis) in diagnoses.enumerated() {
                _ = text(diagnosis, "ma_chan_doan", "chan_doan[\(index)].ma_chan_doan")
                _ = text(diagnosis, "ten_chan_doan", "chan_doan[\(index)].ten_chan_doan")
            }
        } else {
            problems.append(Problem(field: "chan_doan", message: "Phải có ít nhất một chẩn đoán"))
        }
        if let drugs = p["thong_tin_thuoc"] as? [[String: Any]], !drugs.isEmpty {
            for (index, drug) in drugs.enumerated() {
                for key in ["ma_thuoc", "ten_thuoc", "don_vi_tinh", "cach_dung"] {
                    _ = text(drug, key, "thong_tin_thuoc[\(index)].\(key)")
                }
                guard let quantity = drug["so_luong"] as? NSNumber, quantity.doubleValue > 0 else {
                    problems.append(Problem(field: "thong_tin_thuoc[\(index)].so_luong", message: "Số lượng phải là số dương"))
                    continue
                }
            }
        } else {
            problems.append(Problem(field: "thong_tin_thuoc", message: "Phải có ít nhất một thuốc"))
        }
        return problems
    }

    static func parse(_ text: String, _ pattern: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = pattern
        formatter.isLenient = false
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}
