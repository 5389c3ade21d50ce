/* Katalog usług — wyszukiwarka i filtry. Bez bibliotek, działa offline; bez JavaScript lista jest pełna. */
(function () {
  "use strict";
  var panel = document.getElementById("filtry");
  var form = document.getElementById("formularz");
  if (!panel || !form || !document.querySelectorAll) { return; }
  var pole = document.getElementById("szukaj");
  var kim = document.getElementById("kim");
  var dostep = document.getElementById("dostep");
  var zakres = document.getElementById("zakres");
  var bezplatne = document.getElementById("bezplatne");
  var wynik = document.getElementById("wynik");
  var brak = document.getElementById("brak");
  var elementy = document.querySelectorAll("[data-usluga]");
  var sekcje = document.querySelectorAll("section.sytuacja");
  var wszystkie = Number(wynik.getAttribute("data-wszystkie")) || 0;
  var zwloka = null;

  function norm(tekst) {
    var s = String(tekst || "").toLowerCase().replace(/ł/g, "l");
    if (s.normalize) { s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    return s.replace(/\s+/g, " ").replace(/^ | $/g, "");
  }

  /* "pracy" ma znaleźć "praca", "samotność" — "samotności": porównujemy początek dłuższych słów. */
  function rdzen(slowo) {
    return slowo.length >= 5 ? slowo.slice(0, Math.max(4, slowo.length - 2)) : slowo;
  }

  function liczba(n) {
    if (n === 0) { return "Nie znaleziono żadnej usługi"; }
    var forma = "usług";
    if (n === 1) { forma = "usługę"; }
    else if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14)) { forma = "usługi"; }
    return "Znaleziono " + n + " " + forma;
  }

  function pasuje(el, slowa, grupa, tryb, tylkoBezplatne, rodzaj) {
    var grupy = " " + (el.getAttribute("data-grupy") || "wszyscy") + " ";
    if (grupa && grupy.indexOf(" " + grupa + " ") < 0 && grupy.indexOf(" wszyscy ") < 0) { return false; }
    if (tryb && el.getAttribute("data-dostep") !== tryb) { return false; }
    if (tylkoBezplatne && el.getAttribute("data-odplatnosc") !== "bezplatna") { return false; }
    if (rodzaj && el.getAttribute("data-zakres") !== rodzaj) { return false; }
    var tekst = el.getAttribute("data-szukaj") || "";
    for (var i = 0; i < slowa.length; i++) {
      if (tekst.indexOf(slowa[i]) < 0) { return false; }
    }
    return true;
  }

  function odswiez(natychmiast) {
    var slowa = norm(pole ? pole.value : "").split(" ").filter(Boolean).map(rdzen);
    var grupa = kim ? kim.value : "";
    var tryb = dostep ? dostep.value : "";
    var tylkoBezplatne = bezplatne ? bezplatne.checked : false;
    var rodzaj = zakres ? zakres.value : "";
    var znalezione = {};
    var ile = 0;
    for (var i = 0; i < elementy.length; i++) {
      var el = elementy[i];
      var ok = pasuje(el, slowa, grupa, tryb, tylkoBezplatne, rodzaj);
      el.hidden = !ok;
      var klucz = el.getAttribute("data-usluga");
      if (ok && !znalezione[klucz]) { znalezione[klucz] = true; ile++; }
    }
    for (var j = 0; j < sekcje.length; j++) {
      var s = sekcje[j];
      var widoczne = s.querySelectorAll("article.usluga:not([hidden])").length;
      s.hidden = widoczne === 0;
      var wpis = document.querySelector('[data-sekcja="' + s.id + '"]');
      if (wpis) {
        wpis.hidden = widoczne === 0;
        var licznik = wpis.querySelector(".licznik");
        if (licznik) { licznik.textContent = "(" + widoczne + ")"; }
      }
    }
    var filtrowane = slowa.length > 0 || !!grupa || !!tryb || tylkoBezplatne || !!rodzaj;
    document.body.className = filtrowane ? "filtrowane" : "";
    if (brak) { brak.hidden = ile > 0; }
    var tekst = liczba(ile) + (filtrowane ? " (w całym katalogu: " + wszystkie + ")" : "");
    clearTimeout(zwloka);
    /* Czytniki ekranu: ogłaszamy wynik dopiero, gdy użytkownik przestanie pisać. */
    if (natychmiast) { wynik.textContent = tekst; }
    else { zwloka = setTimeout(function () { wynik.textContent = tekst; }, 400); }
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); odswiez(true); });
  form.addEventListener("reset", function () { setTimeout(function () { odswiez(true); }, 0); });
  if (pole) { pole.addEventListener("input", function () { odswiez(false); }); }
  var zmiany = [kim, dostep, zakres, bezplatne];
  for (var k = 0; k < zmiany.length; k++) {
    if (zmiany[k]) { zmiany[k].addEventListener("change", function () { odswiez(true); }); }
  }
  var tylkoJs = document.querySelectorAll(".tylko-js");
  for (var m = 0; m < tylkoJs.length; m++) { tylkoJs[m].hidden = false; }
  panel.hidden = false;
  odswiez(true);
}());
