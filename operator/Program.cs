Console.WriteLine("placement-operator: skeleton");
